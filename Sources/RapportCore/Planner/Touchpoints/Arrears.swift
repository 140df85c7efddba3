import Foundation

/// R25 (check in after a miss, kindly) and R10 (backoff): the touchpoints of an agreement in
/// arrears.
///
/// The arrears *episode* is every check-in and follow-up sent after the oldest unpaid due date.
/// Each newly missed installment gets its own check-in after the grace days, even while the
/// follow-ups about an older one are stretched by backoff: R10 stretches the chasing of the
/// same arrears, it never swallows a new miss. An installment is acknowledged once a check-in
/// went out on a later day than its due date (that check-in stated everything then overdue,
/// R20). While an installment waits for its check-in, no follow-up is wanted: the check-in is
/// the next message, and follow-ups continue from it with the backoff count they had, so an
/// unresponsive debtor gets one check-in per new miss and no more chasing than before.
extension Planner {
    /// The check-in a new miss wants, the follow-up that comes next, and the ones already
    /// planned (so their waiting jobs stay wanted).
    func arrearsTouchpoints(
        for state: AgreementState, history: [ContactRecord], clock: ZoneClock, today: LocalDate, hold: PromiseHold?,
        afterPause: TouchpointKey?
    ) -> [Touchpoint] {
        guard let oldest = state.unpaid.first else { return [] }
        let id = state.agreement.id
        let chasing = history.filter { $0.state.countsAsContact && ($0.kind == .missed || $0.kind == .followUp) }
        let episode = chasing.filter { clock.localDate(of: $0.notBefore) > oldest.due }
        var wanted = episode.map { done in
            Touchpoint(
                rule: .checkInAfterMiss, key: done.touchpoint, kind: done.kind, installment: oldest,
                ideal: done.notBefore, usefulThrough: nil,
                purpose: .arrearsContact(kind: done.kind, since: oldest.due), earliest: hold?.until)
        }

        // R17: the check-in after a pause stated everything then overdue, as a check-in after a
        // miss does, and nothing more about the arrears comes in the 7 days after it.
        let pauseCheckIns = history.filter {
            $0.state.countsAsContact && afterPause.map($0.touchpoints.contains) == true
        }
        let checkInDays = (chasing.filter { $0.kind == .missed } + pauseCheckIns).map {
            clock.localDate(of: $0.notBefore)
        }
        let quietAfterPause = pauseCheckIns.map(\.notBefore).max().map {
            clock.instant(of: clock.localDate(of: $0).adding(days: 8), at: .midnight)
        }
        let unacknowledged = state.unpaid.filter { installment in !checkInDays.contains { $0 > installment.due } }
        let late = unacknowledged.filter { $0.due < today }
        if let first = late.first, let newest = late.last {
            // One check-in covers every miss that waits for one: keyed by the newest, due after
            // the grace of the first, so no miss waits longer than its grace for a word.
            wanted.append(
                checkIn(
                    for: newest, after: first, earlier: late.count - 1, id: id, oldest: oldest, clock: clock,
                    hold: hold,
                    quiet: quietAfterPause))
            return wanted
        }
        // The next installment's check-in, should it be missed: listed now so the agreement is
        // looked at again when its day comes.
        if let next = unacknowledged.first {
            wanted.append(
                checkIn(
                    for: next, after: next, earlier: 0, id: id, oldest: oldest, clock: clock, hold: hold,
                    quiet: quietAfterPause))
        }
        let pausedEpisode = pauseCheckIns.filter { clock.localDate(of: $0.notBefore) > oldest.due }
        guard let last = (episode + pausedEpisode).map(\.notBefore).max() else { return wanted }
        let unanswered = episode.filter { $0.notBefore > (state.lastEngagement ?? .distantPast) }.count
        let stretch = pow(policy.backoffFactor, Double(max(0, unanswered - 1)))
        let gapDays = min(Int((Double(policy.followUpDays) * stretch).rounded()), policy.maxFollowUpGapDays)
        let number = episode.filter { $0.kind == .followUp }.count + 1
        let escalation = unanswered / max(1, policy.escalateAfter)
        var followUp = Touchpoint(
            rule: .backoff, key: TouchpointKey.followUp(id, since: oldest.id, number: number), kind: .followUp,
            installment: oldest,
            ideal: clock.instant(of: clock.localDate(of: last).adding(days: gapDays), at: opening),
            // Once the next installment is missed, its check-in says everything: R29 drops a
            // follow-up that pacing pushed past that date.
            usefulThrough: unacknowledged.first?.due,
            purpose: .followUp(
                Purpose.FollowUp(
                    number: number, since: oldest.due, gapDays: gapDays, unanswered: unanswered,
                    backoffFactor: policy.backoffFactor, maxGapDays: policy.maxFollowUpGapDays, promised: hold?.date,
                    escalation: escalation)),
            earliest: [hold?.until, quietAfterPause].compactMap { $0 }.max())
        followUp.escalation = escalation
        wanted.append(followUp)
        return wanted
    }

    /// The kind check-in after `installment` was missed (and `earlier` misses before it), due
    /// after the grace of `first`.
    private func checkIn(
        for installment: Installment, after first: Installment, earlier: Int, id: Identifier, oldest: Installment,
        clock: ZoneClock, hold: PromiseHold?, quiet: Date?
    ) -> Touchpoint {
        Touchpoint(
            rule: .checkInAfterMiss, key: TouchpointKey.missed(id, installment.id), kind: .missed, installment: oldest,
            ideal: clock.instant(of: first.due.adding(days: policy.missedGraceDays), at: opening),
            usefulThrough: nil,
            purpose: .missed(
                installment: installment.id, due: installment.due, graceDays: policy.missedGraceDays,
                earlierMisses: earlier, promised: hold?.date),
            earliest: [hold?.until, quiet].compactMap { $0 }.max())
    }
}
