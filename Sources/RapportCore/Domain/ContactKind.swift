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
    /// R40: a re-import changed the installments; the new schedule, once.
    case planChanged = "plan_changed"
    /// R40 R27: a promise to pay acknowledged once, with its date and amount.
    case promiseAck = "promise_ack"
    /// R40 R14: a dispute acknowledged once: collection on the agreement is paused.
    case disputeAck = "dispute_ack"
    /// R40 R15: hardship or breathing space acknowledged once: contact is paused.
    case pauseAck = "pause_ack"
    /// R40 R33: a START confirmed once.
    case optInConfirmation = "opt_in_confirmation"
    /// R40 R34: "we have your message; a person will answer", at most once a day.
    case replyAck = "reply_ack"

    /// Collection contacts are the ones every stop (R12–R15) forbids; thanks and the
    /// confirmations the rulebook allows are not collection contacts.
    public var isCollection: Bool {
        switch self {
        case .thanks, .ceaseConfirmation, .optOutConfirmation, .completed, .help, .promiseAck, .disputeAck, .pauseAck,
            .optInConfirmation, .replyAck:
            false
        default: true
        }
    }

    /// R23: only messages that ask for a payment may be a call (whose script asks for a call
    /// back); nobody is asked to call back to be thanked, congratulated or told that contact
    /// has stopped.
    public var mayUseVoice: Bool {
        switch self {
        case .preDue, .dueToday, .missed, .followUp, .promiseReminder: true
        case .welcome, .thanks, .progress, .checkIn, .completed, .ceaseConfirmation, .optOutConfirmation, .help,
            .planChanged, .promiseAck, .disputeAck, .pauseAck, .optInConfirmation, .replyAck:
            false
        }
    }

    /// Answers to what the debtor just did (R31's confirmation, R32's help, R40's
    /// acknowledgments of a promise, a dispute, a hardship, a START or a message) go out at the
    /// next allowed moment, outside R8's pacing, and do not count against it.
    public var isAnswer: Bool {
        switch self {
        case .help, .optOutConfirmation, .promiseAck, .disputeAck, .pauseAck, .optInConfirmation, .replyAck: true
        default: false
        }
    }

    /// R8: a payment's confirmation (its thanks, or the completion it brings) is the only
    /// contact that may come within 48 hours of another; never on the same local day.
    public var mayBreakGap: Bool { self == .thanks || self == .completed }

    /// Whether the message states a debt and asks for payment: what R39 requires a reference,
    /// how to pay and a phone in.
    public var asksForPayment: Bool { mayUseVoice }

    /// When two touchpoints want the same moment, the lower rank goes first: acknowledging a
    /// payment or a request to stop matters more to trust than another reminder.
    var urgencyRank: Int {
        switch self {
        case .ceaseConfirmation, .optOutConfirmation, .help, .promiseAck, .disputeAck, .pauseAck, .optInConfirmation,
            .replyAck:
            0
        case .thanks: 1
        case .completed: 2
        case .checkIn, .planChanged, .welcome: 3
        case .missed: 4
        case .promiseReminder: 5
        case .followUp: 6
        case .dueToday: 7
        case .preDue: 8
        case .progress: 9
        }
    }
}
