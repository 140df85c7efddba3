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
        return ceaseConfirmation(for: state, clock: clock)
            + paymentAcknowledgements(for: state, clock: clock)
            + dueReminders(for: state, clock: clock)
            + pauseCheckIn(for: state, clock: clock, today: today)
            + (promise.map { [$0.reminder] } ?? [])
            + progressUpdates(for: state, history: history, debtorHistory: debtorHistory, clock: clock, today: today)
            + arrearsTouchpoints(for: state, history: history, clock: clock, today: today, hold: promise?.hold)
    }

    /// The first moment of the policy's window on a local day: where most touchpoints sit.
    var opening: LocalTime { max(policy.windowStart, HardLimits.earliest) }
}
