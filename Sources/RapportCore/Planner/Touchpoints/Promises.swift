import Foundation

/// R27 — promises: a promise to pay replaces follow-ups with one reminder on the last allowed
/// day before the promised date (a promise for a Monday is reminded on the Saturday when
/// Sundays are not contact days); unpaid two days after it, the promise is broken and
/// follow-ups resume. The hold is what the arrears stage (R25) honours: nothing about the
/// arrears before it ends. Its acknowledgment is an answer (`Answers/`).
extension Planner {
    /// A promise to pay holding the arrears back: promised for `date`, nothing about the
    /// arrears before `until` (the start of the third day after it).
    struct PromiseHold {
        var date: LocalDate
        var until: Date
    }

    /// The reminder of an open promise and the hold it puts on the arrears, while it is open.
    func promiseReminder(for state: AgreementState, clock: ZoneClock, today: LocalDate)
        -> (reminder: Touchpoint, hold: PromiseHold)?
    {
        guard let promise = state.promise, !promise.kept, today <= promise.date.adding(days: 2) else { return nil }
        let hold = PromiseHold(
            date: promise.date, until: clock.instant(of: promise.date.adding(days: 3), at: .midnight))
        let day = lastAllowedDay(before: promise.date, inconvenient: state.agreement.inconvenient)
        let reminder = Touchpoint(
            rule: .promises, key: TouchpointKey.promiseReminder(state.agreement.id, promise),
            kind: .promiseReminder, installment: state.unpaid.first,
            ideal: clock.instant(of: day, at: opening),
            usefulThrough: promise.date.adding(days: -1), purpose: .promiseReminder(date: promise.date))
        return (reminder, hold)
    }

    /// The last day before `date` on which the policy (R4) and the debtor (R5) allow contact:
    /// a week back at most, else the day before.
    private func lastAllowedDay(before date: LocalDate, inconvenient: Inconvenience?) -> LocalDate {
        for back in 1...7 {
            let day = date.adding(days: -back)
            if policy.days.contains(day.weekday), policy.holidays.holiday(on: day) == nil,
                !(inconvenient?.days.contains(day.weekday) ?? false)
            {
                return day
            }
        }
        return date.adding(days: -1)
    }
}
