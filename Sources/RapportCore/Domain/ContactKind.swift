/// What a message is for; the contract's `kind` field.
public enum ContactKind: String, CaseIterable, Codable, Sendable {
    case welcome
    case preDue = "pre_due"
    case dueToday = "due_today"
    case missed
    case followUp = "follow_up"
    case promiseReminder = "promise_reminder"
    case thanks
    case progress
    case checkIn = "check_in"
    case completed
    case ceaseConfirmation = "cease_confirmation"
    case optOutConfirmation = "opt_out_confirmation"
    /// R32: the answer to a HELP reply: who is writing, how to reach a person, how to opt out.
    case help

    /// Collection contacts are the ones every stop (R12–R15) forbids; thanks and the
    /// confirmations the rulebook allows are not collection contacts.
    public var isCollection: Bool {
        switch self {
        case .thanks, .ceaseConfirmation, .optOutConfirmation, .completed, .help: false
        default: true
        }
    }

    /// R23: only messages that ask for a payment may be a call (whose script asks for a call
    /// back); nobody is asked to call back to be thanked, congratulated or told that contact
    /// has stopped.
    public var mayUseVoice: Bool {
        switch self {
        case .preDue, .dueToday, .missed, .followUp, .promiseReminder: true
        case .welcome, .thanks, .progress, .checkIn, .completed, .ceaseConfirmation, .optOutConfirmation, .help: false
        }
    }

    /// Answers to what the debtor just sent (R31's confirmation, R32's help) go out at once,
    /// outside R8's pacing, and do not count against it.
    public var isAnswer: Bool { self == .help || self == .optOutConfirmation }

    /// When two touchpoints want the same moment, the lower rank goes first: acknowledging a
    /// payment or a request to stop matters more to trust than another reminder.
    var urgencyRank: Int {
        switch self {
        case .ceaseConfirmation, .optOutConfirmation, .help: 0
        case .thanks: 1
        case .completed: 2
        case .checkIn: 3
        case .missed: 4
        case .promiseReminder: 5
        case .followUp: 6
        case .dueToday: 7
        case .preDue: 8
        case .progress, .welcome: 9
        }
    }
}
