import Foundation

/// Where a job is in its life; the spool directory it sits in, plus `planned` (recorded in the
/// database, file not yet confirmed durable).
public enum JobState: String, CaseIterable, Codable, Sendable {
    case planned, spooled, claimed, delivered, failed, expired, withdrawn

    /// Whether a job in this state is, or will be, a contact with the debtor: these count
    /// against the caps and mark their touchpoint as handled.
    public var countsAsContact: Bool {
        switch self {
        case .planned, .spooled, .claimed, .delivered: true
        case .failed, .expired, .withdrawn: false
        }
    }

    /// Whether the job still waits for a delivery tool and so can be withdrawn (R18).
    public var isWaiting: Bool { self == .planned || self == .spooled }
}

/// One job from a debtor's history, as the planner sees it.
public struct ContactRecord: Sendable, Equatable {
    public var jobID: String
    /// The touchpoint the job serves, e.g. `pre_due:A-1001:1`.
    public var touchpoint: String
    public var agreements: [Identifier]
    public var kind: ContactKind
    public var channel: Channel
    public var notBefore: Date
    public var notAfter: Date
    public var state: JobState
    /// The zone the contact's local day was counted in (its agreement's first candidate zone).
    public var timezone: String

    public init(
        jobID: String, touchpoint: String, agreements: [Identifier], kind: ContactKind, channel: Channel,
        notBefore: Date, notAfter: Date, state: JobState, timezone: String
    ) {
        self.timezone = timezone
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
