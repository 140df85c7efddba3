import Foundation
import RapportCore

// Rapport's records behind role interfaces: what the engine, the commands and the tests ask of a
// store, without knowing what keeps it (SQLite through GRDB today, a server database next).
// Each role is what one part of the program needs; `Store` is all of them, as one store
// implements them all.
//
// Concurrency is part of the contract, not of a driver's busy timeout:
// - Every method is one transaction: it sees one consistent state and applies all of its
//   writes or none.
// - Writes to one debtor's records are ordered by the store (SQLite: its one write lock;
//   a server database: the rows of that debtor's agreements, locked for the transaction).
// - A tick reads a debtor's portfolio, plans it without holding anything, then commits. What
//   arrives in between — an event, an adjustment, an import, a reply — changes the debtor's
//   `Portfolio.revision`, and `commit` then writes nothing new for that debtor: its agreements
//   stay due and the next tick plans them on what is true now. No lock is held while planning,
//   and no plan is recorded on a history that has changed.

/// What a tick needs: the agreements due, each debtor's portfolio, and the batch commit.
public protocol PlanningStore: Sendable {
    /// Up to `limit` agreements due at `now`, in (next action, id) order, after `cursor`.
    func dueAgreements(at now: Date, after cursor: DueAgreement?, limit: Int) async throws(StoreError)
        -> [DueAgreement]
    /// Everything the planner needs about `debtor`; a row that cannot be read is an error naming it.
    func portfolio(of debtor: Identifier) async throws(StoreError) -> Portfolio
    /// Each debtor's portfolio on its own: one whose rows cannot be read is an error for it alone.
    func portfolios(of debtors: [Identifier]) async throws(StoreError) -> [Identifier: Result<Portfolio, StoreError>]
    /// Commits one batch's decisions: new jobs as `planned`, withdrawals, drops, each agreement's
    /// decision and next action, and a record of each (R30). A debtor whose `revision` moved
    /// since its portfolio was read gets its withdrawals recorded (their files already moved)
    /// and nothing else: its agreements stay due.
    /// - Returns: how many stale touchpoints were dropped for the first time, and the debtors
    ///   left for the next tick because their records changed.
    @discardableResult
    func commit(_ records: [PlanRecord], at now: Date) async throws(StoreError) -> CommitResult
    /// Moves jobs to new states in one transaction, each change with its detail (R30); with
    /// `replan`, their agreements become due.
    func setStates(_ changes: [JobStateChange], at now: Date) async throws(StoreError)
    /// The jobs per channel and minute from `instant` on, for per-minute limits (R11).
    func load(from instant: Date, limits: [Channel: Int]) async throws(StoreError) -> ChannelLoad
    /// The earliest next action of any agreement.
    func nextActionAt() async throws(StoreError) -> Date?
    /// Makes agreements due now.
    func makeDue(_ agreements: [Identifier]) async throws(StoreError)
    /// Makes every agreement due now (a simulation's start).
    func makeAllDue() async throws(StoreError)
    /// Jobs waiting past their `not_after`.
    func overdueJobs(at now: Date) async throws(StoreError) -> [StoredJob]
    /// Jobs a delivery tool may hold: spooled or claimed, not past `not_after` by more than a day.
    func jobsInFlight(at now: Date, withData: Bool) async throws(StoreError) -> [StoredJob]
    /// The earliest `not_before` of a job waiting in `new/`.
    func nextWaitingJob() async throws(StoreError) -> Date?
    /// The earliest `not_after` after `instant` of a job still waiting.
    func nextExpiry(from instant: Date) async throws(StoreError) -> Date?
    /// The jobs in `state`, oldest first.
    func jobs(in state: JobState, limit: Int) async throws(StoreError) -> [StoredJob]
    /// Records one tick for `status`.
    func record(_ tick: TickRecord) async throws(StoreError)
}

/// Events and adjustments: what operators, imports of events and replies record.
public protocol EventStore: Sendable {
    /// Appends events once each (a duplicate is stored once) and makes their agreements due.
    /// - Returns: how many were new.
    func append(_ events: [Event], at now: Date) async throws(StoreError) -> Int
    /// Records an operator's adjustment of one agreement and makes it due.
    func adjust(_ agreement: Identifier, _ adjustment: Adjustment, reason: String, at now: Date)
        async throws(StoreError)
    /// Which of `ids` are stored.
    func knownAgreements(_ ids: [Identifier]) async throws(StoreError) -> Set<Identifier>
    /// The recorded events dated after `instant`, by time.
    func eventTimes(after instant: Date) async throws(StoreError) -> [(agreement: Identifier, at: Date)]
}

/// Replies in (R31–R35) and the inbox of what waits for a person.
public protocol InboundStore: Sendable {
    /// The agreements whose contact on `channel` is `address` (normalised).
    func agreements(using address: String, on channel: Channel) async throws(StoreError) -> [Identifier]
    /// Whether a message with this identity was already received.
    func received(_ identity: String) async throws(StoreError) -> Bool
    /// Records an inbound message and its effects in one transaction.
    /// - Returns: false when the message had been received before (nothing changed).
    func receive(_ record: InboundRecord, events: [Event], inbox why: String?, failedJob: JobID?, at now: Date)
        async throws(StoreError) -> Bool
    /// The inbox: what waits for a person (`open`), or everything.
    func inbox(openOnly: Bool) async throws(StoreError) -> [InboxItem]
    /// One inbox entry.
    func inboxItem(_ id: Int64) async throws(StoreError) -> InboxItem?
    /// Closes an open inbox entry with a person's action, recording the events it means.
    /// - Returns: false when the entry was not open.
    func closeInbox(_ id: Int64, action: String, reason: String?, events: [Event], at now: Date)
        async throws(StoreError) -> Bool
    /// Inbound messages by outcome, and open inbox entries.
    func inboundCounts() async throws(StoreError) -> InboundCounts
}

/// What operators look at: one agreement, its jobs and decisions, counts for `status`.
public protocol OperatorStore: Sendable {
    /// Where the records are, for logs and `status` (never a password).
    var location: String { get }
    /// The schema version the records are at (`rapportctl migrate` prints it).
    func schemaVersion() async throws(StoreError) -> Int
    func agreement(_ id: Identifier) async throws(StoreError) -> StoredAgreement?
    func job(_ id: JobID) async throws(StoreError) -> StoredJob?
    func jobs(of agreement: Identifier) async throws(StoreError) -> [StoredJob]
    /// The recorded decisions of an agreement, oldest first.
    func decisions(of agreement: Identifier, limit: Int) async throws(StoreError) -> [DecisionRecord]
    func status() async throws(StoreError) -> StoreStatus
    func dueCount(at now: Date) async throws(StoreError) -> Int
    func agreementList(outcome: PlanOutcome?) async throws(StoreError) -> [AgreementListing]
    /// How many agreements have each summary, among those whose last outcome is `outcome`.
    func summaries(withOutcome outcome: PlanOutcome) async throws(StoreError) -> [String: Int]
    /// Debtors in id order after `cursor`: how a forecast pages through a book.
    func debtors(after cursor: Identifier?, limit: Int) async throws(StoreError) -> [Identifier]
    func debtorCount() async throws(StoreError) -> Int
    /// The agreement each job in `states` was planned for.
    func agreementsOfJobs(in states: [JobState]) async throws(StoreError) -> [JobID: Identifier]
}

/// R30: records kept as long as the rulebook says, and no longer.
public protocol RetentionStore: Sendable {
    /// Deletes every record of agreements inactive since `cutoff`, and what belongs to none of
    /// the agreements kept and is older (`Retention` names the rule for each table).
    /// - Returns: how many agreements were deleted.
    func deleteRecords(inactiveSince cutoff: Date) async throws(StoreError) -> Int
}

/// Imports of agreements, one transaction each.
public protocol ImportStore: Sendable {
    /// Runs one import: `body` gets a session whose writes are kept when it returns true and
    /// undone when it returns false or throws.
    func importing(at now: Date, _ body: (any ImportSession) async throws -> Bool) async throws(StoreError)
        -> ImportSummary
    /// Inserts or updates agreements in one import.
    func upsert(_ agreements: [Agreement], at now: Date) async throws(StoreError) -> ImportSummary
}

/// One import in progress, inside its transaction. An import works a chunk of lines at a
/// time: `stored(_:)` reads what is stored for the chunk, the importer checks each line
/// against it, and `upsert(_:stored:)` writes the chunk.
public protocol ImportSession: AnyObject {
    /// For each (id, line), the earlier line of the file with the same id, or nil: kept in
    /// the store, not in memory, however large the file.
    func earlierLines(_ lines: [(id: Identifier, line: Int)]) async throws(StoreError) -> [Int?]
    /// The stored version of each of `ids` that is already stored.
    func stored(_ ids: [Identifier]) async throws(StoreError) -> [Identifier: StoredVersion]
    /// Records that `id` moved to another person: their adjustments are cleared.
    func resetAdjustments(of id: Identifier, reason: String) async throws(StoreError)
    /// Inserts or updates agreements given what `stored(_:)` read; a changed one keeps the
    /// version it replaces and becomes due at once, with every agreement of its debtor.
    func upsert(_ agreements: [ImportedAgreement], stored: [Identifier: StoredVersion]) async throws(StoreError)
    /// What the upserts so far did.
    var summary: ImportSummary { get }
}

/// A private copy of the records for `simulate` and `forecast`, never the live ones.
public protocol SnapshotStore: Sendable {
    /// Copies the records, consistently, into a new embedded store in `folder`, and opens it
    /// as a throwaway (no fsync): a simulation writes only there.
    func snapshot(into folder: String) async throws(StoreError) -> any Store
}

/// Every role: what one store implements.
public typealias Store =
    PlanningStore & EventStore & InboundStore & OperatorStore & RetentionStore & ImportStore & SnapshotStore

extension PlanningStore {
    /// Moves jobs to `state`, with one detail; with `replan`, their agreements become due.
    public func setState(
        _ state: JobState, of jobIDs: [JobID], detail: String? = nil, replan: Bool = false, at now: Date
    ) async throws(StoreError) {
        try await setStates([JobStateChange(state: state, jobIDs: jobIDs, detail: detail, replan: replan)], at: now)
    }

    public func dueAgreements(at now: Date, limit: Int) async throws(StoreError) -> [DueAgreement] {
        try await dueAgreements(at: now, after: nil, limit: limit)
    }

    public func jobs(in state: JobState) async throws(StoreError) -> [StoredJob] {
        try await jobs(in: state, limit: .max)
    }

    public func jobsInFlight(at now: Date) async throws(StoreError) -> [StoredJob] {
        try await jobsInFlight(at: now, withData: true)
    }
}

extension InboundStore {
    public func inbox() async throws(StoreError) -> [InboxItem] { try await inbox(openOnly: true) }
}

extension OperatorStore {
    public func decisions(of agreement: Identifier) async throws(StoreError) -> [DecisionRecord] {
        try await decisions(of: agreement, limit: 50)
    }
}
