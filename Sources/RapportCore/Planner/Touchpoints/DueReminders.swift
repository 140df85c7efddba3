import Foundation

/// R24 — remind before, not only after: each unpaid installment gets a friendly reminder
/// `preDueDays` before its due date (a letter `letterPreDueDays` before, so it arrives first),
/// and optionally one on the day. A reminder is useful only
/// until the next one (or the due date) would say the same thing (R29).
extension Planner {
    func dueReminders(for state: AgreementState, clock: ZoneClock) -> [Touchpoint] {
        let id = state.agreement.id
        var wanted: [Touchpoint] = []
        for installment in state.unpaid {
            var reminder = Touchpoint(
                rule: .remindBefore, key: TouchpointKey.reminder(.preDue, id, installment.id), kind: .preDue,
                installment: installment,
                ideal: clock.instant(of: installment.due.adding(days: -policy.preDueDays), at: opening),
                usefulThrough: policy.dueDayReminder ? installment.due.adding(days: -1) : installment.due,
                purpose: .preDue(installment: installment.id, due: installment.due, daysBefore: policy.preDueDays))
            reminder.letterIdeal = clock.instant(
                of: installment.due.adding(days: -policy.letterPreDueDays), at: opening)
            wanted.append(reminder)
            if policy.dueDayReminder {
                wanted.append(
                    Touchpoint(
                        rule: .remindBefore, key: TouchpointKey.reminder(.dueToday, id, installment.id),
                        kind: .dueToday,
                        installment: installment,
                        ideal: clock.instant(of: installment.due, at: opening), usefulThrough: installment.due,
                        purpose: .dueToday(installment: installment.id, due: installment.due)))
            }
        }
        return wanted
    }
}
