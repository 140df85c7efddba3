import Foundation

/// R40 — acknowledge what changed, the paced part: the welcome of a new plan (only when its
/// import asked for one: a book moved into Rapport is not welcomed to plans people have had
/// for years) and the one confirmation of a schedule a re-import changed. Both state the
/// schedule (`Facts.swift`); they are contacts we start, so R8 paces them. The answers to what
/// the debtor did are in `Answers/`.
extension Planner {
    func planNotices(for state: AgreementState, history: [ContactRecord], clock: ZoneClock, today: LocalDate)
        -> [Touchpoint]
    {
        let agreement = state.agreement
        guard !state.isPaidOff, let next = state.unpaid.first else { return [] }
        var wanted: [Touchpoint] = []
        let welcomed = history.filter { $0.state.handlesTouchpoint && $0.kind == .welcome }.map(\.notBefore).min()
        if agreement.welcome {
            wanted.append(
                Touchpoint(
                    rule: .acknowledge, key: TouchpointKey.welcome(agreement.id), kind: .welcome, installment: next,
                    ideal: welcomed ?? clock.instant(of: today, at: opening), usefulThrough: next.due,
                    purpose: .welcome))
        }
        // A schedule changed before the welcome went out is the one the welcome states.
        guard let changedAt = agreement.scheduleChangedAt,
            !agreement.welcome || welcomed.map({ changedAt > $0 }) == true
        else { return wanted }
        let changedOn = clock.localDate(of: changedAt)
        wanted.append(
            Touchpoint(
                rule: .acknowledge, key: TouchpointKey.planChanged(agreement.id, at: changedAt), kind: .planChanged,
                installment: next, ideal: changedAt, usefulThrough: changedOn.adding(days: 14),
                purpose: .planChanged(on: changedOn)))
        return wanted
    }
}
