import Foundation

/// What the planner decided for one agreement at one instant, and why.
public struct Decision: Sendable {
    /// The headline of the decision.
    public enum Outcome: Sendable, Equatable {
        /// Spool this contact now (its `notBefore` may still be a few hours ahead).
        case send(PlannedContact)
        /// Nothing to send yet; look again at the given instant.
        case wait(until: Date)
        /// Contact is forbidden until the situation changes (a stop, no zone, no channel).
        case blocked(rule: Rule, reason: String)
        /// Nothing left to do: paid off, or no installments.
        case idle(reason: String)
    }

    public var outcome: Outcome

    /// The headline's kind: what the records and `rapportctl agreements ls` keep of it.
    public var kind: PlanOutcome {
        switch outcome {
        case .send: .send
        case .wait: .wait
        case .blocked: .blocked
        case .idle: .idle
        }
    }
    /// Jobs still waiting in the spool that must not go out any more (R18).
    public var withdrawals: [Withdrawal] = []
    /// Touchpoints that went stale and are dropped rather than sent late (R29).
    public var dropped: [Dropped] = []
    /// When to plan this agreement again without new input; nil when only new input can
    /// change anything.
    public var nextReview: Date?
    /// Each step of the reasoning, in order, for `explain`: empty unless asked for.
    public var trace: Trace = .off

    public init(
        outcome: Outcome, withdrawals: [Withdrawal] = [], dropped: [Dropped] = [], nextReview: Date? = nil,
        trace: Trace = .off
    ) {
        self.outcome = outcome
        self.withdrawals = withdrawals
        self.dropped = dropped
        self.nextReview = nextReview
        self.trace = trace
    }

    /// One line for `status`, logs and records.
    public var summary: String {
        switch outcome {
        case .send(let contact):
            "send \(contact.kind.rawValue) by \(contact.channel.rawValue) at \(Timestamp.rfc3339(contact.notBefore)): "
                + "\(contact.reason)"
        case .wait(let until): "wait until \(Timestamp.rfc3339(until))"
        case .blocked(let rule, let reason): "blocked by \(rule): \(reason)"
        case .idle(let reason): "idle: \(reason)"
        }
    }
}

/// What the planner last decided about an agreement, as its record keeps it.
public enum PlanOutcome: String, Sendable, CaseIterable, Codable {
    case send, wait, blocked, idle
    /// Imported, not planned yet.
    case new
}

/// A waiting job to take back, the rule that takes it back, and why in words.
public struct Withdrawal: Sendable, Equatable {
    public var jobID: JobID
    /// What no longer holds: a stop (R12–R17), a channel (R16), the figures (R20), the debtor's
    /// times (R5), a promise (R27), no zone (R2), or R18 itself when the debt is paid.
    public var rule: Rule
    public var reason: String

    public init(jobID: JobID, rule: Rule, reason: String) {
        self.jobID = jobID
        self.rule = rule
        self.reason = reason
    }
}

/// A touchpoint not sent, the rule that dropped it, and why in words: stale (R29), not for a
/// call (R23), or an answer that can no longer be given (R31, R32).
public struct Dropped: Sendable, Equatable {
    public var touchpoint: TouchpointKey
    public var kind: ContactKind
    public var rule: Rule
    public var reason: String
}

/// A contact the planner wants spooled: everything except the rendered text.
public struct PlannedContact: Sendable, Equatable {
    /// Deterministic: the same touchpoint and attempt always give the same id.
    public var jobID: JobID
    public var touchpoint: TouchpointKey
    /// Other agreements' touchpoints this message also serves (R28).
    public var covers: [TouchpointKey] = []
    /// R15: a person must approve the message before any delivery tool sees it.
    public var needsReview = false
    /// R25: the wording has grown firmer after unanswered follow-ups.
    public var firm = false
    /// R39: the reference the message names the agreement by.
    public var reference = ""
    /// Where the agreement is (its jurisdiction, else its region, e.g. `GB-ENG`, `US-TX`): a UK
    /// debtor is pointed to free debt advice (FCA CONC 7.3).
    public var region: String?
    /// R22: no written message went to this debtor before, so a collector gives the full
    /// disclosure.
    public var firstWritten = false
    public var kind: ContactKind
    public var channel: Channel
    public var to: String
    public var agreement: Identifier
    public var agreements: [Identifier]
    public var debtor: Debtor
    /// The zone the local time is shown in: the first candidate zone.
    public var timezone: String
    public var notBefore: Date
    public var notAfter: Date
    /// `notBefore` in the debtor's zone, RFC 3339 with offset.
    public var localTime: String
    public var reason: String
    /// What the message is about, for the templates.
    public var installment: Installment?
    /// The figures the message states (R20), for the send day.
    public var statement: Statement?
    /// The payment being thanked.
    public var paymentAmount: Money?
    public var currency: String

    public init(
        jobID: JobID, touchpoint: TouchpointKey, kind: ContactKind, channel: Channel, to: String,
        agreement: Identifier,
        agreements: [Identifier], debtor: Debtor, timezone: String, notBefore: Date, notAfter: Date, localTime: String,
        reason: String, installment: Installment?, statement: Statement?, paymentAmount: Money?, currency: String
    ) {
        self.jobID = jobID
        self.touchpoint = touchpoint
        self.kind = kind
        self.channel = channel
        self.to = to
        self.agreement = agreement
        self.agreements = agreements
        self.debtor = debtor
        self.timezone = timezone
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.localTime = localTime
        self.reason = reason
        self.installment = installment
        self.statement = statement
        self.paymentAmount = paymentAmount
        self.currency = currency
    }
}
