import Foundation

/// R28 — grouping: the debtor's other agreements whose reminder falls near this one's — an
/// installment due within `groupingDays`, still unreminded, free to be contacted, to the same
/// address in the same currency — are covered by this one message instead of one each.
extension Planner {
    /// Makes `contact` speak for the siblings `grouped` finds (R28): their touchpoints, their
    /// agreements and a note of each in its reason and the trace.
    /// - Returns: the siblings covered, whose figures the message states too.
    func group(
        _ contact: inout PlannedContact, with touchpoint: Touchpoint, _ context: PlanContext, trace: inout Trace
    ) -> [AgreementState] {
        var covering: [AgreementState] = []
        for (sibling, covered) in grouped(with: touchpoint, contact: contact, context) {
            contact.covers.append(covered.key)
            contact.agreements.append(sibling.agreement.id)
            covering.append(sibling)
            contact.reason +=
                "; R28: also covers \(sibling.agreement.id) installment \(covered.installment?.id.rawValue ?? "?")"
                + " due \(covered.installment?.due.description ?? "?")"
            trace.note(.grouping, "R28: one message also covers \(covered.key)")
        }
        return covering
    }

    func grouped(with touchpoint: Touchpoint, contact: PlannedContact, _ context: PlanContext)
        -> [(AgreementState, Touchpoint)]
    {
        guard touchpoint.kind == .preDue, let due = touchpoint.installment?.due else { return [] }
        let clock = context.primary
        let day = clock.localDate(of: contact.notBefore)
        var covered: [(AgreementState, Touchpoint)] = []
        for sibling in context.siblings
        where sibling.agreement.id != contact.agreement && sibling.agreement.currency == contact.currency {
            guard sibling.agreement.contacts[contact.channel] == contact.to,
                usableChannels(for: sibling, history: [], clock: clock, now: contact.notBefore).usable.contains(
                    contact.channel)
            else { continue }
            let theirs = context.history.filter { $0.agreements.contains(sibling.agreement.id) }
            let handled = Set(theirs.filter(\.state.handlesTouchpoint).flatMap(\.touchpoints))
            let candidate = touchpoints(
                for: sibling, history: theirs, debtorHistory: context.history, clock: clock, today: day
            )
            .first { other in
                other.kind == .preDue && !handled.contains(other.key)
                    && other.installment.map { abs($0.due.days(until: due)) <= policy.groupingDays } == true
                    && (other.usefulThrough.map { day <= $0 } ?? true)
                    && !sibling.stops(on: day).contains { blocks($0, other) }
            }
            if let candidate { covered.append((sibling, candidate)) }
        }
        return covered
    }
}
