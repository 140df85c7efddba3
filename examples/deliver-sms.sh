#!/bin/sh
# A reference delivery tool for Rapport's spool (see SPOOL.md).
#
# Claims SMS jobs one at a time, "delivers" each by appending its job file as one line to
# OUTBOX, and acknowledges it. A real tool would call its SMS gateway where this appends.
#
#   deliver-sms.sh OUTBOX [rapportctl options, e.g. --spool /var/spool/rapport]
#
# RAPPORTCTL names the rapportctl binary (default: rapportctl on the PATH). The loop ends when
# no SMS job is ready; run it from a timer, or in a loop with a sleep, for continuous delivery.
set -eu

outbox=${1:?usage: deliver-sms.sh OUTBOX [rapportctl options]}
shift
rapportctl=${RAPPORTCTL:-rapportctl}

while :; do
    job=$("$rapportctl" spool claim --channel sms "$@")
    [ -n "$job" ] || break

    # The contract: never send after not_after. RFC 3339 UTC times compare as strings.
    not_after=$(sed -n 's/.*"not_after":"\([^"]*\)".*/\1/p' "$job")
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    if [ -z "$not_after" ] || [ "$now" \> "$not_after" ]; then
        "$rapportctl" spool ack "$job" --status failed --detail "too late: not_after $not_after has passed" "$@" >/dev/null
        continue
    fi

    if tr -d '\n' < "$job" >> "$outbox" && echo >> "$outbox"; then
        "$rapportctl" spool ack "$job" --status delivered --detail "appended to $(basename "$outbox")" "$@" >/dev/null
    else
        "$rapportctl" spool ack "$job" --status failed --detail "could not write the outbox" "$@" >/dev/null
    fi
done
