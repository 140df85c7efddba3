import Foundation

/// What a touchpoint is for, as values: put into words only when a job's `reason` or a trace
/// reads it, so the many touchpoints a plan lists and does not choose cost no formatting.
public enum Purpose: Sendable, Equatable, CustomStringConvertible {
    /// R12: the one confirmation that collection contact has stopped.
    case ceaseConfirmation
    /// R26: the payment that completes the plan, thanked by the congratulation.
    case completed(amount: Money, currency: String)
    /// R26: the thank-you for one payment.
    case thanks(amount: Money, currency: String, on: LocalDate)
    /// R24: the reminder a few days before a due date.
    case preDue(installment: Identifier, due: LocalDate, daysBefore: Int)
    /// R24: the reminder on the due date.
    case dueToday(installment: Identifier, due: LocalDate)
    /// R17: the gentle word after a pause.
    case pauseCheckIn
    /// R40: the welcome of a new plan, stating its schedule.
    case welcome
    /// R40: the confirmation of a schedule a re-import changed on that day.
    case planChanged(on: LocalDate)
    /// R27: the reminder the day before a promised payment.
    case promiseReminder(date: LocalDate)
    /// R26: a progress update already planned.
    case progress
    /// R26: a progress update after 30 days without a word from us.
    case progressAfterQuiet
    /// R25: a check-in or follow-up already sent in this arrears episode.
    case arrearsContact(kind: ContactKind, since: LocalDate)
    /// R25: the check-in after a miss; `earlierMisses` it also covers, `promised` the date a
    /// promise holds it back for (R27).
    case missed(
        installment: Identifier, due: LocalDate, graceDays: Int, earlierMisses: Int, promised: LocalDate?)
    /// R25 R10: the next follow-up on the arrears, stretched by backoff and escalated.
    case followUp(FollowUp)

    /// The figures of a follow-up's purpose.
    public struct FollowUp: Sendable, Equatable {
        public var number: Int
        public var since: LocalDate
        public var gapDays: Int
        public var unanswered: Int
        public var backoffFactor: Double
        public var maxGapDays: Int
        public var promised: LocalDate?
        public var escalation: Int
    }

    public var description: String {
        switch self {
        case .ceaseConfirmation: "confirm that collection contact has stopped (R12)"
        case .completed(let amount, let currency):
            "completed: the plan is paid in full with the payment of \(amount) \(currency) (R26)"
        case .thanks(let amount, let currency, let day):
            "thank-you for the payment of \(amount) \(currency) on \(day) (R26)"
        case .preDue(let installment, let due, let days):
            "pre_due for installment \(installment) due \(due) (\(days) days before) (R24)"
        case .dueToday(let installment, let due): "due_today for installment \(installment) due \(due) (R24)"
        case .pauseCheckIn: "check_in: a gentle word now that the pause has ended (R17)"
        case .welcome: "welcome: the import asked to welcome the debtor to a new plan (R40)"
        case .planChanged(let day): "plan_changed: a re-import changed the installments on \(day) (R40)"
        case .promiseReminder(let date):
            "promise_reminder: the last allowed day before the promised payment on \(date) (R27)"
        case .progress: "progress: on track (R26)"
        case .progressAfterQuiet: "progress: on track, and no word from us for 30 days (R26)"
        case .arrearsContact(let kind, let since): "\(kind.rawValue) about the arrears since \(since) (R25)"
        case .missed(let installment, let due, let grace, let earlier, let promised):
            "missed: installment \(installment) due \(due) unpaid after \(grace) days of grace"
                + (earlier > 0 ? " (with \(earlier) earlier miss(es) not yet checked in on)" : "")
                + Self.held(promised) + " (R25)"
        case .followUp(let f):
            "follow_up \(f.number) on the arrears since \(f.since), \(f.gapDays) days after the last contact"
                + " (\(f.unanswered) unanswered; R10 backoff ×\(f.backoffFactor) up to \(f.maxGapDays) days) (R25)"
                + Self.held(f.promised)
                + (f.escalation > 0 ? "; escalated \(f.escalation) step(s) after \(f.unanswered) unanswered" : "")
        }
    }

    private static func held(_ promised: LocalDate?) -> String {
        promised.map { "; R27: promised for \($0), held until it is 2 days late" } ?? ""
    }
}
