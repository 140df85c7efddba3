import Foundation

/// R28 — grouping: the debtor's other agreements whose reminder falls near this one's — an
/// installment due within `groupingDays`, still unreminded, free to be contacted, to the same
/// address in the same currency — are covered by this one message instead of one each.
extension Planner {
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
