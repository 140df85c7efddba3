import Foundation

/// The touchpoints stage: everything the cadence wants to say about one agreement, whether or
/// not it may be said now. Each purpose has its own file: due reminders (R24), arrears
/// (R25 R10), keeping in the loop (R26), promises (R27), the check-in after a pause (R17) and
/// the cease confirmation (R12). Later stages decide what a stop forbids, which channel, and when.
extension Planner {
    /// What the cadence wants to say about `state` today, in `clock`'s days.
    /// - Parameters:
    ///   - history: this agreement's jobs.
    ///   - debtorHistory: every job of the debtor (R26's 30 quiet days count them all).
    func touchpoints(
        for state: AgreementState, history: [ContactRecord], debtorHistory: [ContactRecord], clock: ZoneClock,
        today: LocalDate
    ) -> [Touchpoint] {
        let promise = promiseReminder(for: state, clock: clock, today: today)
        let afterPause = pauseCheckIn(for: state, clock: clock, today: today)
        let cadence =
            planNotices(for: state, history: history, clock: clock, today: today)
            + dueReminders(for: state, clock: clock)
            + (promise.map { [$0.reminder] } ?? [])
            + progressUpdates(for: state, history: history, debtorHistory: debtorHistory, clock: clock, today: today)
            + arrearsTouchpoints(
                for: state, history: history, clock: clock, today: today, hold: promise?.hold,
                afterPause: afterPause.first?.key)
        return ceaseConfirmation(for: state, clock: clock) + paymentAcknowledgements(for: state, clock: clock)
            + afterPause + firstAfterPause(afterPause, cadence, history: history)
    }

    /// R17: the check-in after a pause is the first message after it: until it has gone, the
    /// rest of the cadence waits (a thank-you or a confirmation does not).
    private func firstAfterPause(_ checkIn: [Touchpoint], _ cadence: [Touchpoint], history: [ContactRecord])
        -> [Touchpoint]
    {
        guard let key = checkIn.first?.key,
            !history.contains(where: { $0.state.handlesTouchpoint && $0.touchpoints.contains(key) })
        else { return cadence }
        return []
    }

    /// The first moment of the policy's window on a local day: where most touchpoints sit.
    var opening: LocalTime { max(policy.windowStart, HardLimits.earliest) }
}
