import Foundation
import RapportCore

/// What an import changed.
public struct ImportSummary: Sendable, Equatable {
    public var imported = 0
    public var updated = 0
    public var unchanged = 0
    public init() {}
}

/// An agreement with what the planner last decided about it.
public struct StoredAgreement: Sendable {
    public var agreement: Agreement
    public var version: Int
    public var nextActionAt: Date?
    /// `send`, `wait`, `blocked`, `idle`, or `new` before the first plan.
    public var outcome: String
    public var summary: String
    public var plannedAt: Date?
}

/// A job row: its state and the exact bytes of its file.
public struct StoredJob: Sendable {
    public var id: String
    public var touchpoint: TouchpointKey
    public var agreement: Identifier
    public var kind: ContactKind
    public var channel: Channel
    public var notBefore: Date
    public var notAfter: Date
    public var fileName: String
    public var state: JobState
    /// Whether the job goes to `review/` for a person to approve (R15).
    public var review: Bool
    public var detail: String?
    public var data: Data
    public var createdAt: Date
    public var updatedAt: Date
}

/// The outcome of planning one agreement, ready to be committed in one transaction.
public struct PlanRecord: Sendable {
    public var agreement: Identifier
    public var decision: Decision
    /// The rendered job, when the decision is to send, with its file's exact bytes: encoded
    /// once, stored with the row and written to the spool, so a rewrite after a crash is
    /// byte for byte the same file.
    public var job: (job: Job, bytes: Data)?
    /// The jobs the decision withdrew, with the folder their file was found in.
    public var withdrawn: [(Withdrawal, JobState)]

    public init(
        agreement: Identifier, decision: Decision, job: (job: Job, bytes: Data)?, withdrawn: [(Withdrawal, JobState)]
    ) {
        self.agreement = agreement
        self.decision = decision
        self.job = job
        self.withdrawn = withdrawn
    }
}

/// A recorded decision (R30).
public struct DecisionRecord: Sendable {
    public var agreement: Identifier
    public var at: Date
    public var outcome: String
    public var jobID: String?
    public var touchpoint: TouchpointKey?
    public var reason: String
}

/// One tick, as recorded for `status`.
public struct TickRecord: Sendable {
    public var startedAt: Date
    public var finishedAt: Date
    public var due: Int
    public var spooled: Int
    public var withdrawn: Int
    public var dropped: Int
    public var expired: Int
    public var nextActionAt: Date?

    public init(
        startedAt: Date, finishedAt: Date, due: Int, spooled: Int, withdrawn: Int, dropped: Int, expired: Int,
        nextActionAt: Date?
    ) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.due = due
        self.spooled = spooled
        self.withdrawn = withdrawn
        self.dropped = dropped
        self.expired = expired
        self.nextActionAt = nextActionAt
    }
}

/// One line of `rapportctl agreements ls`.
public struct AgreementListing: Sendable, Encodable {
    public var id: String
    public var debtor: String
    /// What the planner last decided: send, wait, blocked, idle, or new before the first plan.
    public var outcome: String
    public var summary: String
    public var nextActionAt: Date?
}

/// Counts for `rapportctl status`.
public struct StoreStatus: Sendable {
    public var agreements: Int
    public var agreementsByOutcome: [String: Int]
    public var jobsByState: [String: Int]
    public var events: Int
    public var lastTick: TickRecord?
    public var nextActionAt: Date?
}

/// An agreement whose next action is due, as a tick finds it; the last of a batch is where
/// the next batch continues.
public struct DueAgreement: Sendable, Equatable {
    public var agreement: Identifier
    public var debtor: Identifier
    /// When its next action became due (unix seconds): the first half of the batch cursor.
    public var nextActionAt: Double

    public init(agreement: Identifier, debtor: Identifier, nextActionAt: Double) {
        self.agreement = agreement
        self.debtor = debtor
        self.nextActionAt = nextActionAt
    }
}
