import Foundation

/// The conclusion stage: the winning candidate becomes the job to spool now (when its slot is
/// within the lookahead), with R15's review, R28's grouping and R20's statement; otherwise the
/// agreement waits until it is, or is blocked by the first rule that stopped a touchpoint.
extension Planner {
    func conclude(_ choice: Choice, _ context: PlanContext, into decision: inout Decision, trace: inout Trace) {
        guard let (touchpoint, slot, channel) = choice.best else {
            if let blockedBy = choice.blockedBy {
                decision.outcome = .blocked(rule: blockedBy.rule, reason: blockedBy.reason)
                trace.note(blockedBy.rule, "decision: blocked by \(blockedBy.rule)")
            } else {
                trace.note(
                    nil,
                    "decision: nothing to send (\(context.state.isPaidOff ? "paid off" : "every touchpoint handled"))")
            }
            return
        }
        let spoolFrom = spoolTime(for: touchpoint, slot: slot)
        guard spoolFrom <= context.now else {
            decision.outcome = .wait(until: spoolFrom)
            decision.nextReview = spoolFrom
            trace.note(
                nil,
                "decision: wait; spool at \(context.primary.rfc3339(spoolFrom)) (lookahead \(policy.lookaheadHours) h)")
            return
        }
        let contact = contact(for: touchpoint, slot: slot, channel: channel, context, trace: &trace)
        decision.outcome = .send(contact)
        decision.nextReview = context.now
        trace.note(nil, "decision: spool \(contact.jobID) now")
    }

    /// The job for the winning touchpoint, grouped (R28) and with its figures (R20).
    private func contact(
        for touchpoint: Touchpoint, slot: Slot, channel: Channel, _ context: PlanContext, trace: inout Trace
    ) -> PlannedContact {
        let state = context.state
        let attempt = context.mine.filter { $0.touchpoints.contains(touchpoint.key) }.count
        var contact = plannedContact(touchpoint, slot: slot, channel: channel, attempt: attempt, context)
        contact.firm = touchpoint.escalation > 0
        if state.needsReview {
            contact.needsReview = true
            contact.reason += "; R15: vulnerability flag, routed to human review"
            trace.note(.protection, "R15: vulnerability flag: the message waits in review/ for a person")
        }
        let about = [state] + group(&contact, with: touchpoint, context, trace: &trace)
        let figures = statement(
            of: touchpoint.kind, keys: [touchpoint.key] + contact.covers, about: about, history: context.mine,
            at: slot.notBefore, clock: context.primary)
        contact.statement = figures
        contact.reason += "; " + figures.reasonNote
        return contact
    }

    /// The contact for `touchpoint` at `slot`: its id is stable for the touchpoint and attempt.
    private func plannedContact(
        _ touchpoint: Touchpoint, slot: Slot, channel: Channel, attempt: Int, _ context: PlanContext
    ) -> PlannedContact {
        let agreement = context.state.agreement
        let windows = context.windows
        let zones = windows.clocks.map(\.identifier).joined(separator: "+")
        let reason =
            "\(touchpoint.purpose); window \(windows.dailyStart)-\(windows.dailyEnd) \(zones)"
            + slot.notes.map { "; \($0)" }.joined()
        return PlannedContact(
            jobID: JobID(touchpoint: touchpoint.key, attempt: attempt),
            touchpoint: touchpoint.key, kind: touchpoint.kind, channel: channel, to: agreement.contacts[channel] ?? "",
            agreement: agreement.id, agreements: [agreement.id], debtor: agreement.debtor,
            timezone: context.primary.identifier, notBefore: slot.notBefore, notAfter: slot.notAfter,
            localTime: context.primary.rfc3339(slot.notBefore), reason: reason, installment: touchpoint.installment,
            statement: nil,
            paymentAmount: touchpoint.kind == .thanks
                ? context.state.payments.first { TouchpointKey.thanks(agreement.id, $0) == touchpoint.key }?.amount
                : nil,
            currency: agreement.currency
        )
        .describing(agreement, history: context.history)
    }
}

extension PlannedContact {
    /// The contact with what its message says of the agreement and the debtor's history: its
    /// reference (R39), where it is, and whether it is the first written message (R22).
    func describing(_ agreement: Agreement, history: [ContactRecord]) -> PlannedContact {
        var contact = self
        contact.reference = agreement.referenceForMessages
        contact.region = agreement.jurisdiction ?? agreement.region
        contact.firstWritten =
            channel != .voice && !history.contains { $0.state.countsAsContact && $0.channel != .voice }
        return contact
    }
}
