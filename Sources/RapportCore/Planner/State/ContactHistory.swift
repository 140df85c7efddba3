import Foundation

/// Where a job is in its life: mostly the spool folder it sits in, plus `planned` (recorded in
/// the database, file not yet confirmed durable) and `cancelled` (withdrawn by an operator).
public enum JobState: String, CaseIterable, Codable, Sendable {
    case planned, spooled, held, review, claimed, delivered, failed, expired, withdrawn, cancelled

    /// Whether a job in this state is, or may still become, a contact with the debtor: these
    /// count against the caps (R8).
    public var countsAsContact: Bool {
        switch self {
        case .planned, .spooled, .held, .review, .claimed, .delivered: true
        case .failed, .expired, .withdrawn, .cancelled: false
        }
    }

    /// Whether the job's touchpoint is taken care of, so no other job is planned for it. An
    /// operator's `spool withdraw` cancels the touchpoint too; a withdrawal by the rules
    /// (R18), an expiry or a failed delivery leaves it to be planned again if still wanted.
    public var handlesTouchpoint: Bool { countsAsContact || self == .cancelled }

    /// Whether the job still waits in the spool and so can be withdrawn (R18).
    public var isWaiting: Bool { self == .planned || self == .spooled || self == .held || self == .review }
}

/// One job from a debtor's history, as the planner sees it.
public struct ContactRecord: Sendable, Equatable {
    public var jobID: String
    /// The touchpoint the job serves, e.g. `pre_due:A-1001:1`.
    public var touchpoint: TouchpointKey
    /// Other agreements' touchpoints one grouped message also serves (R28).
    public var covers: [TouchpointKey] = []
    /// Every touchpoint the job serves.
    public var touchpoints: [TouchpointKey] { [touchpoint] + covers }
    public var agreements: [Identifier]
    public var kind: ContactKind
    public var channel: Channel
    public var notBefore: Date
    public var notAfter: Date
    public var state: JobState
    /// The zone the contact's local day was counted in (its agreement's first candidate zone).
    public var timezone: String
    /// The address it went to: failures count against an address, not a channel forever.
    public var recipient: String
    /// The fingerprint of the figures the message states (R20); nil for messages that state
    /// none. A waiting job whose figures no longer hold is withdrawn (R18).
    public var statement: String?

    public init(
        jobID: String, touchpoint: TouchpointKey, agreements: [Identifier], kind: ContactKind, channel: Channel,
        notBefore: Date, notAfter: Date, state: JobState, timezone: String, recipient: String
    ) {
        self.timezone = timezone
        self.recipient = recipient
        self.jobID = jobID
        self.touchpoint = touchpoint
        self.agreements = agreements
        self.kind = kind
        self.channel = channel
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.state = state
    }
}

extension ContactRecord {
    /// The record of a contact just planned: what the next plan at the same instant sees.
    public init(planned contact: PlannedContact) {
        self.init(
            jobID: contact.jobID, touchpoint: contact.touchpoint, agreements: contact.agreements, kind: contact.kind,
            channel: contact.channel, notBefore: contact.notBefore, notAfter: contact.notAfter, state: .planned,
            timezone: contact.timezone, recipient: contact.to)
        covers = contact.covers
        statement = contact.statement?.fingerprint
    }
}
