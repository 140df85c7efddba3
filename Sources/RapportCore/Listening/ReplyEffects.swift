import Foundation

/// What one inbound message does (R31–R35), decided from the message and the agreements it
/// concerns: the events to record on them, whether a person must look (the inbox, R34), and
/// the job a temporary failure counts against. Pure, so every case is a unit test.
public struct ReplyEffects: Sendable, Equatable {
    /// What became of the message, for the records, the metrics and the summary line.
    public enum Outcome: String, Sendable, CaseIterable {
        case optOut = "opt_out"
        case optOutForReview = "opt_out_review"
        case possibleCease = "possible_cease"
        case help
        case optIn = "opt_in"
        case optInForReview = "opt_in_review"
        case conversation
        case unmatched
        case bounce
        case temporaryFailure = "temporary_failure"
        case unsubscribe
    }

    public var outcome: Outcome
    public var events: [Event] = []
    /// Why a person must look; nil when nobody needs to.
    public var inbox: String?
    /// R35: the job a temporary delivery failure counts against.
    public var failedJob: JobID?

    /// The effects of `message` on `matched` (every agreement using its address, and those of
    /// the job it answers), with `job` the job it answers and `answered` that job's agreements
    /// when known: a conversation concerns those (R34), an opt-out every agreement (R31).
    public static func of(
        _ message: InboundMessage, matched: [AgreementState], answered: [AgreementState] = [], job: JobID?
    ) -> ReplyEffects {
        guard let address = message.address, !matched.isEmpty else {
            return ReplyEffects(outcome: .unmatched, inbox: "from an unknown sender: no agreement uses this address")
        }
        let ids = matched.map(\.agreement.id)
        let at = message.receivedAt
        func optOut(confirm: Bool, keepAddress: Bool = true, reason: String) -> [Event] {
            ids.enumerated().map { index, id in
                Event(
                    agreement: id, type: .optOut, at: at, channel: message.channel, reason: reason,
                    address: keepAddress ? address : nil, confirm: confirm && index == 0 ? true : nil)
            }
        }
        switch message.kind {
        case .bounce:
            guard message.isPermanentFailure else { return ReplyEffects(outcome: .temporaryFailure, failedJob: job) }
            let why = [message.status, message.detail].compactMap { $0 }.joined(separator: " ")
            return ReplyEffects(
                outcome: .bounce,
                events: ids.map {
                    Event(agreement: $0, type: .bounce, at: at, channel: message.channel, reason: why, address: address)
                })
        case .unsubscribe:
            return ReplyEffects(outcome: .unsubscribe, events: optOut(confirm: true, reason: "unsubscribe (R35)"))
        case .message:
            let reading = ReplyReading(message.text)
            let concerned = reading == .conversation && !answered.isEmpty ? answered : matched
            var effects = reply(reading, message: message, matched: concerned, address: address, optOut: optOut)
            if message.channel == .voice, effects.inbox == nil {
                effects.inbox = "a dialer's note of what the debtor said on a call"
            }
            return effects
        }
    }

    private static func reply(
        _ reading: ReplyReading, message: InboundMessage, matched: [AgreementState], address: String,
        optOut: (Bool, Bool, String) -> [Event]
    ) -> ReplyEffects {
        let channel = message.channel
        switch reading {
        case .optOut(let keyword):
            return ReplyEffects(outcome: .optOut, events: optOut(channel != .voice, true, "reply \"\(keyword)\" (R31)"))
        case .optOutForReview(let why):
            return ReplyEffects(
                outcome: .optOutForReview, events: optOut(channel != .voice, true, "reply read as an opt-out (R31)"),
                inbox: why)
        case .possibleCease(let why):
            // Stopped at once, but not as the debtor's own keyword: a START cannot undo it.
            return ReplyEffects(
                outcome: .possibleCease, events: optOut(false, false, "reply that may be a cease (R31, R12)"),
                inbox: why)
        case .help:
            guard channel != .voice else {
                return ReplyEffects(outcome: .help, inbox: "asked for help on a call (R32)")
            }
            let first = matched[0].agreement.id
            return ReplyEffects(
                outcome: .help,
                events: [
                    Event(agreement: first, type: .help, at: message.receivedAt, channel: channel, address: address)
                ])
        case .optIn:
            return optIn(message: message, matched: matched, address: address)
        case .conversation:
            return ReplyEffects(
                outcome: .conversation,
                events: matched.map {
                    Event(agreement: $0.agreement.id, type: .reply, at: message.receivedAt, channel: channel)
                },
                inbox: "a reply for a person (R34)")
        }
    }

    /// R33: START restores only what the debtor's own keyword on this channel and address
    /// stopped; after a cease, an attorney or an operator's opt-out a person decides.
    private static func optIn(message: InboundMessage, matched: [AgreementState], address: String) -> ReplyEffects {
        var events: [Event] = []
        var refused: [String] = []
        for state in matched where state.optedOut.contains(message.channel) {
            if let stop = state.stops.first(where: { $0.rule == .cease || $0.rule == .attorney }) {
                refused.append("\(state.agreement.id): \(stop.reason)")
            } else if state.optOutAddress[message.channel] == address {
                events.append(
                    Event(
                        agreement: state.agreement.id, type: .optIn, at: message.receivedAt, channel: message.channel,
                        reason: "reply START (R33)", address: address))
            } else {
                refused.append(
                    "\(state.agreement.id): \(message.channel.rawValue) was opted out by an operator or a person")
            }
        }
        guard !refused.isEmpty else { return ReplyEffects(outcome: .optIn, events: events) }
        return ReplyEffects(
            outcome: .optInForReview, events: events,
            inbox: "START, kept for a person (R33): " + refused.joined(separator: "; "))
    }
}
