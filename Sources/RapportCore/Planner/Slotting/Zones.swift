import Foundation

/// R2 R3 — where the debtor is: the candidate zones (imported, or inferred from the region and
/// the phone number), the windows intersected across all of them, and today in the first.
/// Without any zone nothing time-bound is scheduled, and waiting jobs are withdrawn.
struct Situation {
    let clocks: [ZoneClock]
    let windows: ContactWindows
    let today: LocalDate
}

extension Planner {
    /// Where and when `state`'s debtor is at `now`, or nil when no zone is known.
    func situate(_ state: AgreementState, now: Date, trace: inout Trace) -> Situation? {
        let agreement = state.agreement
        let inferred = agreement.candidateZones.isEmpty ? ZoneInference.candidates(for: agreement) : nil
        let clocks = (inferred?.zones ?? agreement.candidateZones).compactMap(ZoneClock.init(identifier:))
        guard let primary = clocks.first else { return nil }
        let windows = ContactWindows(clocks: clocks, policy: policy, inconvenient: agreement.inconvenient)
        if let inferred {
            trace.note(.zoneInference, "R3: zones inferred from " + inferred.sources.joined(separator: " and "))
        }
        trace.note(
            nil,
            "now \(primary.rfc3339(now)) in \(primary.identifier)"
                + (clocks.count > 1
                    ? "; candidate zones \(clocks.map(\.identifier).joined(separator: ", ")) (R2: windows intersected)"
                    : ""))
        trace.note(nil, windows.summary)
        return Situation(clocks: clocks, windows: windows, today: primary.localDate(of: now))
    }

    /// The decision without a zone: blocked by R2, every waiting job withdrawn.
    func noZone(_ mine: [ContactRecord], trace: Trace) -> Decision {
        var trace = trace
        var decision = Decision(
            outcome: .blocked(
                rule: .location,
                reason: "no time zone is known or can be inferred for this debtor; nothing time-bound is scheduled"))
        trace.note(
            .location,
            "R2/R3: no timezone or timezones, no known region and no NANP phone number; set a zone with a re-import")
        decision.trace = trace
        decision.withdrawals = mine.filter(\.state.isWaiting).map {
            Withdrawal(jobID: $0.jobID, rule: .location, reason: "R2: no time zone known")
        }
        return decision
    }
}
