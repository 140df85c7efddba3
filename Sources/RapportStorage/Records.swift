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
    public var outcome: PlanOutcome
    public var summary: String
    public var plannedAt: Date?

    public init(
        agreement: Agreement, version: Int, nextActionAt: Date? = nil, outcome: PlanOutcome, summary: String,
        plannedAt: Date? = nil
    ) {
        self.agreement = agreement
        self.version = version
        self.nextActionAt = nextActionAt
        self.outcome = outcome
        self.summary = summary
        self.plannedAt = plannedAt
    }
}

/// A job row: its state and the exact bytes of its file.
public struct StoredJob: Sendable {
    public var id: JobID
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

    public init(
        id: JobID, touchpoint: TouchpointKey, agreement: Identifier, kind: ContactKind, channel: Channel,
        notBefore: Date, notAfter: Date, fileName: String, state: JobState, review: Bool, detail: String? = nil,
        data: Data, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.touchpoint = touchpoint
        self.agreement = agreement
        self.kind = kind
        self.channel = channel
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.fileName = fileName
        self.state = state
        self.review = review
        self.detail = detail
        self.data = data
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
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
    /// The debtor and their `Portfolio.revision` as planned on: when the records have moved on
    /// since, `commit` records only the withdrawals. Nil for no check.
    public var debtor: Identifier?
    public var revision: Int64?

    public init(
        agreement: Identifier, decision: Decision, job: (job: Job, bytes: Data)?, withdrawn: [(Withdrawal, JobState)],
        debtor: Identifier? = nil, revision: Int64? = nil
    ) {
        self.agreement = agreement
        self.decision = decision
        self.job = job
        self.withdrawn = withdrawn
        self.debtor = debtor
        self.revision = revision
    }
}

/// What a recorded decision (R30) says happened: a tick's own decisions, an operator's
/// adjustment, and every later step of a job's life.
public enum RecordedOutcome: String, Sendable, CaseIterable, Codable {
    /// A job planned (written to the spool next), a stale touchpoint dropped (R29), a contact
    /// a rule forbade (recorded when the reason changes).
    case planned, dropped, suppressed
    /// A withdrawal that came after a delivery tool had claimed the job.
    case withdrawTooLate = "withdraw-too-late"
    /// An operator's adjustment of how an agreement is contacted.
    case adjusted
    case spooled, held, review, claimed, delivered, failed, expired, withdrawn, cancelled
    case staleClaim = "stale_claim"

    /// The record of a job moving to `state`.
    public init(_ state: JobState) {
        switch state {
        case .planned: self = .planned
        case .spooled: self = .spooled
        case .held: self = .held
        case .review: self = .review
        case .claimed: self = .claimed
        case .staleClaim: self = .staleClaim
        case .delivered: self = .delivered
        case .failed: self = .failed
        case .expired: self = .expired
        case .withdrawn: self = .withdrawn
        case .cancelled: self = .cancelled
        }
    }
}

/// A recorded decision (R30).
public struct DecisionRecord: Sendable {
    public var agreement: Identifier
    public var at: Date
    public var outcome: RecordedOutcome
    public var jobID: JobID?
    public var touchpoint: TouchpointKey?
    public var reason: String

    public init(
        agreement: Identifier, at: Date, outcome: RecordedOutcome, jobID: JobID? = nil,
        touchpoint: TouchpointKey? = nil,
        reason: String
    ) {
        self.agreement = agreement
        self.at = at
        self.outcome = outcome
        self.jobID = jobID
        self.touchpoint = touchpoint
        self.reason = reason
    }
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
    public var outcome: PlanOutcome
    public var summary: String
    public var nextActionAt: Date?

    public init(
        id: String, debtor: String, outcome: PlanOutcome, summary: String, nextActionAt: Date? = nil
    ) {
        self.id = id
        self.debtor = debtor
        self.outcome = outcome
        self.summary = summary
        self.nextActionAt = nextActionAt
    }
}

/// Counts for `rapportctl status`.
public struct StoreStatus: Sendable {
    public var agreements: Int
    public var agreementsByOutcome: [PlanOutcome: Int]
    public var jobsByState: [String: Int]
    public var events: Int
    public var lastTick: TickRecord?
    public var nextActionAt: Date?

    public init(
        agreements: Int, agreementsByOutcome: [PlanOutcome: Int], jobsByState: [String: Int], events: Int,
        lastTick: TickRecord? = nil, nextActionAt: Date? = nil
    ) {
        self.agreements = agreements
        self.agreementsByOutcome = agreementsByOutcome
        self.jobsByState = jobsByState
        self.events = events
        self.lastTick = lastTick
        self.nextActionAt = nextActionAt
    }
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

/// Jobs moved to one state in one go, with why (R30).
public struct JobStateChange: Sendable {
    public var state: JobState
    public var jobIDs: [JobID]
    public var detail: String?
    /// Whether the jobs' agreements become due (an expiry: the touchpoint may be planned again).
    public var replan: Bool

    public init(state: JobState, jobIDs: [JobID], detail: String?, replan: Bool = false) {
        self.state = state
        self.jobIDs = jobIDs
        self.detail = detail
        self.replan = replan
    }
}

/// What committing a batch did.
public struct CommitResult: Sendable, Equatable {
    /// Stale touchpoints dropped for the first time (R29).
    public var newlyDropped = 0
    /// Debtors whose records changed after they were read: nothing new was committed for them,
    /// and their agreements stay due for the next tick.
    public var changedMeanwhile: [Identifier] = []

    public init(newlyDropped: Int = 0, changedMeanwhile: [Identifier] = []) {
        self.newlyDropped = newlyDropped
        self.changedMeanwhile = changedMeanwhile
    }
}

/// Inbound messages by `kind/outcome`, and the inbox entries still open: the metrics' figures.
public struct InboundCounts: Sendable, Equatable {
    public var byOutcome: [String: Int]
    public var inboxOpen: Int
    /// When the oldest message still waiting for a person arrived: an inbox nobody reads is
    /// a debtor nobody answers (R34), so its age is what an alert watches.
    public var oldestOpen: Date?

    public init(byOutcome: [String: Int] = [:], inboxOpen: Int = 0, oldestOpen: Date? = nil) {
        self.byOutcome = byOutcome
        self.inboxOpen = inboxOpen
        self.oldestOpen = oldestOpen
    }
}
