import Foundation

/// Where a job is in its life: mostly the spool folder it sits in, plus `planned` (recorded in
/// the database, file not yet confirmed durable), `cancelled` (withdrawn by an operator) and
/// `staleClaim` (claimed, and held by its delivery tool longer than the claim lease: reported
/// once, never offered again, as the tool may have sent it).
public enum JobState: String, CaseIterable, Codable, Sendable {
    case planned, spooled, held, review, claimed, delivered, failed, expired, withdrawn, cancelled
    case staleClaim = "stale_claim"

    /// Waiting in the spool for a delivery tool or a person (`new/`, `hold/`, `review/`): what
    /// expires at its `not_after`.
    public static let awaitingDelivery: [JobState] = [.spooled, .held, .review]
    /// Every state that `isWaiting`: what a rule may still withdraw, and what counts toward a
    /// channel's per-minute load (R11).
    public static let waiting: [JobState] = allCases.filter(\.isWaiting)
    /// In a delivery tool's hands: what the daemon looks for in `done/` and `failed/`.
    public static let claimedByATool: [JobState] = [.claimed, .staleClaim]
    /// Possibly on its way or arrived: a failure reported after delivery (R35) may still come.
    public static let mayHaveGone: [JobState] = [.delivered, .claimed, .staleClaim, .spooled]

    /// Whether a job in this state is, or may still become, a contact with the debtor: these
    /// count against the caps (R8).
    public var countsAsContact: Bool {
        switch self {
        case .planned, .spooled, .held, .review, .claimed, .staleClaim, .delivered: true
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
    public var jobID: JobID
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
        jobID: JobID, touchpoint: TouchpointKey, agreements: [Identifier], kind: ContactKind, channel: Channel,
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
