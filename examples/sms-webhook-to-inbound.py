#!/usr/bin/env python3
"""Turn an SMS gateway's inbound webhook into a Rapport inbound message (see SPOOL.md).

Reads one webhook payload (JSON, or a form body as Twilio posts it) on standard input and
hands it to Rapport as the contract says: written into SPOOL/in/tmp/, flushed, renamed into
SPOOL/in/, and the folder flushed. rapportd reads it on its next tick; nothing else is needed.

    sms-webhook-to-inbound.py SPOOL < payload

The field names are Twilio's (From, To, Body, MessageSid); other gateways differ only in
names. Run it as a user in the spool's group: in/ and in/tmp/ are group-writable (2770).
"""
import json
import os
import sys
import urllib.parse
from datetime import datetime, timezone


def payload(raw: str) -> dict:
    raw = raw.strip()
    if raw.startswith("{"):
        return json.loads(raw)
    return {key: values[0] for key, values in urllib.parse.parse_qs(raw).items()}


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: sms-webhook-to-inbound.py SPOOL < payload", file=sys.stderr)
        return 64
    spool = sys.argv[1]
    hook = payload(sys.stdin.read())
    received = datetime.now(timezone.utc).replace(microsecond=0)
    message = {
        "version": 1,
        "channel": "sms",
        "kind": "message",
        "from": hook["From"],
        "to": hook.get("To"),
        "received_at": received.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "text": hook.get("Body", ""),
        "provider_id": hook.get("MessageSid"),
    }
    name = f"{received.strftime('%Y%m%dT%H%M%SZ')}_sms_{message['provider_id'] or os.getpid()}.json"
    staging = os.path.join(spool, "in", "tmp", name)
    with open(staging, "w", encoding="utf-8") as out:
        json.dump(message, out, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())
    os.rename(staging, os.path.join(spool, "in", name))
    folder = os.open(os.path.join(spool, "in"), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
