import Dispatch
import Foundation
import GRDB
import RapportCore
import RapportStorage
import Synchronization

/// Rapport's records in one SQLite file, through GRDB: agreements and their versions, the
/// append-only event log, every job and every decision.
///
/// Opened in WAL mode so `rapportctl` can read while the daemon writes, with a busy timeout so
/// a short lock by another writer is waited out instead of failing. The daemon finds work by
/// the index on `next_action_at`, never by scanning every agreement.
public final class SQLiteStore: Store {
    /// The database file.
    public let path: String
    public var location: String { path }
    /// A pool (WAL: the daemon writes while operators read) for the live records; one
    /// connection for a throwaway copy.
    private let writer: any DatabaseWriter
    /// Whether this is the live database, not a throwaway copy.
    private let durable: Bool

    /// Opens (creating if needed) the database at `path`, whose folder must exist.
    /// - Parameter durable: false for throwaway copies (`simulate`, `forecast`): one connection
    ///   holding the file exclusively, the rollback journal in memory and no fsync, so each of a
    ///   forecast's tens of thousands of small transactions writes its pages once, into the page
    ///   cache, instead of into a WAL and again at each checkpoint. Nobody else opens a copy, and
    ///   a crash only loses what is thrown away anyway.
    /// - Parameter create: false for programs that only read or steer (everything but an import
    ///   and the daemon): a database that does not exist is then an error, not a new file.
    public init(path: String, busyTimeout: TimeInterval = 15, durable: Bool = true, create: Bool = true)
        throws(StoreError)
    {
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !folder.isEmpty,
            !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue
        {
            throw StoreError(
                .missingFolder,
                "database folder \(folder) does not exist; create it or set [storage] database / --database")
        }
        guard create || FileManager.default.fileExists(atPath: path) else {
            throw StoreError(
                .missingDatabase,
                "database \(path) does not exist (create it with rapportctl import, or check --database)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "rapport"
        // An import's own connection keeps its transaction open between chunks
        // (`SQLiteImportSession`); nothing else leaves one open.
        configuration.allowsUnsafeTransactions = true
        configuration.prepareDatabase { db in
            if durable {
                try db.execute(sql: "PRAGMA synchronous = FULL")
            } else {
                try db.execute(
                    sql: "PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY")
            }
        }
        self.path = path
        self.durable = durable
        self.configuration = configuration
        do {
            writer =
                durable
                ? try DatabasePool(path: path, configuration: configuration)
                : try DatabaseQueue(path: path, configuration: configuration)
            try Schema.refuseNewer(writer, path: path)
            try Schema.migrator.migrate(writer)
        } catch {
            throw StoreError.from(error, path: path)
        }
        adoptFolderOwnership()
    }

    /// The schema version this database is at: how many of `Schema`'s migrations it has.
    public func schemaVersion() async throws(StoreError) -> Int {
        try await read { db in try Schema.version(db) }
    }

    /// The configuration every connection to this database uses.
    private let configuration: Configuration

    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        defer { adoptFolderOwnership() }
        do { return try await writer.write(body) } catch { throw StoreError.from(error, path: path) }
    }

    /// Run as root (an operator's `rapportctl`), the files SQLite creates — the database, its
    /// `-wal` and `-shm` — would belong to root and the daemon could no longer write them; they
    /// are given the owner and group of the database's folder instead.
    private func adoptFolderOwnership() {
        guard geteuid() == 0 else { return }
        let folder = (path as NSString).deletingLastPathComponent
        var owner = stat()
        guard lstat(folder.isEmpty ? "." : folder, &owner) == 0 else { return }
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            if lstat(file, &info) == 0, info.st_uid != owner.st_uid || info.st_gid != owner.st_gid {
                _ = chown(file, owner.st_uid, owner.st_gid)
            }
        }
    }

    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            // A copy's one connection has no writer to be isolated from, and GRDB's isolation
            // there (`PRAGMA query_only` on and off) would expire every compiled statement.
            return try await durable ? writer.read(body) : writer.unsafeRead(body)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Copies the whole database, consistently, into `folder` (SQLite's online backup) and
    /// opens the copy as a throwaway: what `simulate` and `forecast` run on, never touching the
    /// live records.
    public func snapshot(into folder: String) async throws(StoreError) -> any Store {
        let path = (folder as NSString).appendingPathComponent("rapport.sqlite")
        do {
            let destination = try DatabaseQueue(path: path)
            try writer.backup(to: destination)
        } catch {
            throw StoreError.from(error, path: path)
        }
        return try SQLiteStore(path: path, durable: false)
    }

    /// Makes every agreement due at once (a simulation starts by planning everything).
    public func makeAllDue() async throws(StoreError) {
        try await write { db in try db.execute(sql: "UPDATE agreement SET next_action_at = 0") }
    }

    /// Makes `agreements` due at once.
    public func makeDue(_ agreements: [Identifier]) async throws(StoreError) {
        try await write { db in
            for chunk in agreements.chunked(500) {
                try db.execute(
                    sql:
                        """
                        UPDATE agreement SET next_action_at = 0 WHERE id IN
                        (\(databaseQuestionMarks(count: chunk.count)))
                        """,
                    arguments: StatementArguments(chunk.map(\.rawValue)))
            }
        }
    }

    /// The recorded events dated after `instant`, by time: in a simulation they take effect
    /// when the clock reaches them.
    public func eventTimes(after instant: Date) async throws(StoreError) -> [(agreement: Identifier, at: Date)] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT agreement_id, at FROM event WHERE at > ? ORDER BY at",
                arguments: [instant.timeIntervalSince1970]
            )
            .compactMap { row in
                Identifier(row["agreement_id"] as String).map { ($0, Date(timeIntervalSince1970: row["at"])) }
            }
        }
    }

    // MARK: - Import

    /// Inserts or updates agreements in one transaction; a changed agreement keeps its earlier
    /// versions and becomes due for planning at once.
    public func upsert(_ agreements: [Agreement], at now: Date) async throws(StoreError) -> ImportSummary {
        try await importing(at: now) { session in
            let imported = agreements.map(ImportedAgreement.init)
            try await session.upsert(imported, stored: try await session.stored(agreements.map(\.id)))
            return true
        }
    }

    /// Runs a whole import in one write transaction, held by a connection of its own from the
    /// first chunk to the commit: `body` upserts chunk after chunk as it reads them, so the file
    /// never has to be in memory, and the import is applied entirely or — when `body` returns
    /// false or throws — not at all.
    /// - Returns: what the session counted (zero when it was rolled back).
    public func importing(at now: Date, _ body: (any ImportSession) async throws -> Bool) async throws(StoreError)
        -> ImportSummary
    {
        defer { adoptFolderOwnership() }
        let connection: DatabaseQueue
        do {
            // A throwaway copy holds its file exclusively: its import runs on its one connection.
            connection = try (writer as? DatabaseQueue) ?? DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError.from(error, path: path)
        }
        let session = SQLiteImportSession(connection: connection, path: path, now: now)
        try await session.run { db in
            try db.beginTransaction(.immediate)
            try db.execute(
                sql: "CREATE TEMP TABLE IF NOT EXISTS import_line (id TEXT PRIMARY KEY NOT NULL, line INTEGER NOT NULL)"
            )
            try db.execute(sql: "DELETE FROM import_line")
        }
        let keep: Bool
        do {
            keep = try await body(session)
        } catch {
            try? await session.run { db in try db.rollback() }
            if let error = error as? StoreError { throw error }
            throw StoreError(.unusable, "database \(path): the import stopped and was undone: \(error)")
        }
        do {
            try await session.run { db in keep ? try db.commit() : try db.rollback() }
        } catch {
            try? await session.run { db in try db.rollback() }
            throw error
        }
        return keep ? session.summary : ImportSummary()
    }

    /// The ids among `ids` that are known agreements.
    public func knownAgreements(_ ids: [Identifier]) async throws(StoreError) -> Set<Identifier> {
        try await read { db in
            var known: Set<Identifier> = []
            for chunk in ids.chunked(500) {
                let marks = databaseQuestionMarks(count: chunk.count)
                for id in try String.fetchAll(
                    db, sql: "SELECT id FROM agreement WHERE id IN (\(marks))",
                    arguments: StatementArguments(chunk.map(\.rawValue)))
                {
                    if let id = Identifier(id) { known.insert(id) }
                }
            }
            return known
        }
    }

    /// Appends events in one transaction; an event already stored (same agreement, type, time
    /// and payload) is skipped. Every agreement touched becomes due for planning at once.
    /// - Returns: how many were new.
    public func append(_ events: [Event], at now: Date) async throws(StoreError) -> Int {
        try await write { db in
            var added = 0
            for event in events {
                guard
                    try Bool.fetchOne(
                        db.cachedStatement(sql: "SELECT 1 FROM agreement WHERE id = ?"),
                        arguments: [event.agreement.rawValue]) == true
                else {
                    throw StoreError(.unusable, "agreement \(event.agreement) is not known")
                }
                try db.cachedStatement(
                    sql:
                        """
                        INSERT OR IGNORE INTO event (agreement_id, type, at, data, identity, recorded_at) VALUES (?, ?,
                        ?, ?, ?, ?)
                        """
                ).execute(
                    arguments: [
                        event.agreement.rawValue, event.type.rawValue, event.at.timeIntervalSince1970,
                        try StoredJSON.encode(event), event.identity, now.timeIntervalSince1970,
                    ])
                guard db.changesCount > 0 else { continue }
                added += 1
                try Self.makeDueRevised(event.agreement, db)
            }
            return added
        }
    }

    /// Records an operator's adjustment of how `agreement` is contacted, with the reason, and
    /// makes the agreement due for planning at once.
    public func adjust(_ agreement: Identifier, _ adjustment: Adjustment, reason: String, at now: Date)
        async throws(StoreError)
    {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO adjustment (agreement_id, at, data, reason) VALUES (?, ?, ?, ?)",
                arguments: [agreement.rawValue, now.timeIntervalSince1970, try StoredJSON.encode(adjustment), reason])
            try Self.makeDueRevised(agreement, db)
            try DecisionRecord(
                agreement: agreement, at: now, outcome: .adjusted, reason: "\(adjustment.summary) (\(reason))"
            ).insert(db)
        }
    }

    /// Makes `agreement` due and moves its debtor's revision: what is planned for the debtor
    /// must now be planned on this new input (see `commit`).
    static func makeDueRevised(_ agreement: Identifier, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE agreement SET next_action_at = 0, revision = revision + 1 WHERE id = ?")
            .execute(arguments: [agreement.rawValue])
    }

    // MARK: - Planning

    /// Up to `limit` agreements whose next action is due at `now`, most overdue first, with
    /// their debtors, continuing after `cursor` (the last one of the previous batch).
    ///
    /// The batches of one tick walk the `(next_action_at, id)` index forwards, so each costs
    /// O(limit) however large the portfolio is, and an agreement the tick has just planned (its
    /// next action moved past `now`) is never read again. One made due by someone else during
    /// the tick sorts before the cursor and waits for the next tick, which then comes at once.
    public func dueAgreements(at now: Date, after cursor: DueAgreement? = nil, limit: Int) async throws(StoreError)
        -> [DueAgreement]
    {
        try await read { db in
            let rows: [Row]
            if let cursor {
                rows = try Row.fetchAll(
                    db.cachedStatement(sql: DueQuery.after),
                    arguments: [now.timeIntervalSince1970, cursor.nextActionAt, cursor.agreement.rawValue, limit])
            } else {
                rows = try Row.fetchAll(
                    db.cachedStatement(sql: DueQuery.first),
                    arguments: [now.timeIntervalSince1970, limit])
            }
            return try rows.map { row throws(StoreError) in
                let id: String = row["id"]
                guard let agreement = Identifier(id), let debtor = Identifier(row["debtor_id"] as String) else {
                    throw .unreadable("agreement", id, "its id or its debtor's is not an identifier")
                }
                return DueAgreement(agreement: agreement, debtor: debtor, nextActionAt: row["next_action_at"])
            }
        }
    }

    /// Everything the planner needs about `debtor`; a row that cannot be read is an error that
    /// names it.
    public func portfolio(of debtor: Identifier) async throws(StoreError) -> Portfolio {
        let rows = try await read { db in try Self.portfolioRows(of: debtor, db) }
        return try rows.decoded()
    }

    /// Everything the planner needs about each of `debtors`, each debtor's on its own: one whose
    /// rows cannot be read is an error for that debtor alone, so a tick plans the others and
    /// says which one it could not. The rows are read in one transaction, through statements
    /// compiled once per connection; decoding them — most of a read's time — happens after it,
    /// on every core, so the transaction stays short.
    public func portfolios(of debtors: [Identifier]) async throws(StoreError) -> [Identifier: Result<
        Portfolio, StoreError
    >] {
        let rows = try await read { db in
            var rows: [(Identifier, PortfolioRows)] = []
            var seen: Set<Identifier> = []
            for debtor in debtors where seen.insert(debtor).inserted {
                rows.append((debtor, try Self.portfolioRows(of: debtor, db)))
            }
            return rows
        }
        let decoded = rows.map(\.1).concurrentMap { rows in Result { () throws(StoreError) in try rows.decoded() } }
        var portfolios: [Identifier: Result<Portfolio, StoreError>] = [:]
        for (row, portfolio) in zip(rows, decoded) { portfolios[row.0] = portfolio }
        return portfolios
    }

    /// A debtor's revision: the sum of their agreements' revisions, which only grow, so any new
    /// input — and an agreement gained or lost — changes it.
    static func revision(of debtor: Identifier, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT coalesce(sum(revision), 0) FROM agreement WHERE debtor_id = ?"),
            arguments: [debtor.rawValue]) ?? 0
    }

    private static func portfolioRows(of debtor: Identifier, _ db: Database) throws -> PortfolioRows {
        let key: StatementArguments = [debtor.rawValue]
        let agreements = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT id, data, schedule_changed_at FROM agreement WHERE debtor_id = ? ORDER BY id"),
            arguments: key
        ).map {
            (
                id: $0["id"] as String, data: $0["data"] as String,
                scheduleChangedAt: ($0["schedule_changed_at"] as Double?).map(Date.init(timeIntervalSince1970:))
            )
        }
        let events = try Row.fetchAll(
            db.cachedStatement(
                sql:
                    """
                    SELECT e.id, e.data FROM event e JOIN agreement a ON a.id = e.agreement_id WHERE a.debtor_id = ?
                    ORDER BY e.at, e.id
                    """
            ),
            arguments: key
        ).map { (id: $0["id"] as Int64, data: $0["data"] as String) }
        let history = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id, touchpoint, covers, agreements, kind, channel, not_before, not_after, state, timezone,
                           recipient, statement
                    FROM job WHERE debtor_id = ? ORDER BY not_before, id
                    """),
            arguments: key
        )
        let adjustments = try Row.fetchAll(
            db.cachedStatement(
                sql:
                    """
                    SELECT a.id, a.agreement_id, a.data FROM adjustment a JOIN agreement g ON g.id = a.agreement_id
                    WHERE g.debtor_id = ? ORDER BY a.id
                    """
            ),
            arguments: key
        ).map { (id: $0["id"] as Int64, agreement: $0["agreement_id"] as String, data: $0["data"] as String) }
        return PortfolioRows(
            agreements: agreements, events: events,
            history: history.map(historyRow), adjustments: adjustments,
            revision: try revision(of: debtor, db))
    }

    /// Commits the decisions of one batch: new jobs as `planned`, withdrawn and dropped
    /// touchpoints, each agreement's decision and next action, and a record of each (R30).
    /// Records for one agreement are applied in order; the last one's next action stands.
    /// - Returns: how many stale touchpoints were dropped for the first time.
    @discardableResult
    public func commit(_ records: [PlanRecord], at now: Date) async throws(StoreError) -> CommitResult {
        let time = now.timeIntervalSince1970
        return try await write { db in
            var result = CommitResult()
            var unchanged: [Identifier: Bool] = [:]
            for record in records {
                let id = record.agreement.rawValue
                let decision = record.decision
                // Taken back before the commit: recorded whatever else changed.
                for (withdrawal, state) in record.withdrawn {
                    try db.cachedStatement(sql: "UPDATE job SET state = ?, detail = ?, updated_at = ? WHERE id = ?")
                        .execute(arguments: [state.rawValue, withdrawal.reason, time, withdrawal.jobID.rawValue])
                    let outcome: RecordedOutcome = state == .withdrawn ? .withdrawn : .withdrawTooLate
                    try DecisionRecord(
                        agreement: record.agreement, at: now, outcome: outcome, jobID: withdrawal.jobID,
                        reason: withdrawal.reason
                    ).insert(db)
                }
                if let debtor = record.debtor, let revision = record.revision {
                    let same = try unchanged[debtor] ?? (Self.revision(of: debtor, db) == revision)
                    if unchanged.updateValue(same, forKey: debtor) == nil, !same {
                        result.changedMeanwhile.append(debtor)
                    }
                    guard same else { continue }
                }
                for dropped in decision.dropped {
                    try DecisionRecord(
                        agreement: record.agreement, at: now, outcome: .dropped, touchpoint: dropped.touchpoint,
                        reason: dropped.reason
                    ).insert(db, ignoringDuplicates: true)
                    result.newlyDropped += db.changesCount
                }
                if let (job, bytes) = record.job, case .send(let contact) = decision.outcome {
                    try PlannedJobRow(agreement: record.agreement, job: job, contact: contact, bytes: bytes, at: time)
                        .insert(db)
                    try DecisionRecord(
                        agreement: record.agreement, at: now, outcome: .planned, jobID: job.id,
                        touchpoint: contact.touchpoint, reason: job.reason
                    ).insert(db)
                }
                let previous = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT summary FROM agreement WHERE id = ?"), arguments: [id])
                if case .blocked = decision.outcome, previous != decision.summary {
                    try DecisionRecord(
                        agreement: record.agreement, at: now, outcome: .suppressed, reason: decision.summary
                    )
                    .insert(db)
                }
                try db.cachedStatement(
                    sql:
                        "UPDATE agreement SET next_action_at = ?, outcome = ?, summary = ?, planned_at = ? WHERE id = ?"
                )
                .execute(arguments: [
                    decision.nextReview?.timeIntervalSince1970, decision.kind.rawValue, decision.summary, time, id,
                ])
            }
            return result
        }
    }

    /// Sets the state of jobs (e.g. `spooled` once their files are durable), recording each
    /// change against its agreement, and makes the agreements due when asked.
    public func setStates(_ changes: [JobStateChange], at now: Date) async throws(StoreError) {
        guard changes.contains(where: { !$0.jobIDs.isEmpty }) else { return }
        try await write { db in
            for change in changes {
                try Self.setState(
                    change.state, of: change.jobIDs, detail: change.detail, replan: change.replan, at: now, db)
            }
        }
    }

    private static func setState(
        _ state: JobState, of jobIDs: [JobID], detail: String?, replan: Bool, at now: Date, _ db: Database
    ) throws {
        let time = now.timeIntervalSince1970
        let update = try db.cachedStatement(
            sql:
                """
                UPDATE job SET state = ?, detail = coalesce(?, detail), updated_at = ? WHERE id = ? RETURNING
                agreement_id
                """
        )
        for jobID in jobIDs {
            guard
                let agreement = try String.fetchOne(update, arguments: [state.rawValue, detail, time, jobID.rawValue]),
                let id = Identifier(agreement)
            else { continue }
            try DecisionRecord(
                agreement: id, at: now, outcome: RecordedOutcome(state), jobID: jobID, reason: detail ?? state.rawValue
            ).insert(db)
            if replan {
                try db.cachedStatement(sql: "UPDATE agreement SET next_action_at = 0 WHERE id = ?").execute(arguments: [
                    agreement
                ])
            }
        }
    }

    /// Jobs in `state`, oldest first.
    public func jobs(in state: JobState, limit: Int = .max) async throws(StoreError) -> [StoredJob] {
        try await read { db in
            try StoredJob.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM job WHERE state = ? ORDER BY not_before, id LIMIT ?"),
                arguments: [state.rawValue, limit])
        }
    }

    /// Waiting jobs (in `new/` or `hold/`) whose `not_after` has passed: candidates for `expired/`.
    public func overdueJobs(at now: Date) async throws(StoreError) -> [StoredJob] {
        try await read { db in
            try StoredJob.fetchAll(
                db.cachedStatement(
                    sql:
                        """
                        SELECT * FROM job WHERE state IN (\(JobState.awaitingDelivery.sqlList)) AND not_after < ?
                        ORDER BY not_after
                        """
                ),
                arguments: [now.timeIntervalSince1970])
        }
    }

    /// Jobs a delivery tool may have acted on since the last look: spooled ones whose
    /// `not_before` has come, and claimed ones.
    /// - Parameter withData: false leaves `data` empty: a tick only needs to know where each
    ///   job is, and reading every waiting job's text each minute would cost what the spool holds.
    public func jobsInFlight(at now: Date, withData: Bool = true) async throws(StoreError) -> [StoredJob] {
        try await read { db in
            try StoredJob.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, touchpoint, agreement_id, kind, channel, not_before, not_after, file_name, state,
                        review, detail,
                               \(withData ? "data" : "'' AS data"), created_at, updated_at
                        FROM job WHERE (state = 'spooled' AND not_before <= ?)
                           OR state IN (\(JobState.claimedByATool.sqlList))
                        ORDER BY not_before
                        """),
                arguments: [now.timeIntervalSince1970])
        }
    }

    /// Jobs still to go out per channel and minute of `not_before`, from `instant` on: the
    /// starting load for R11's per-channel rate limit.
    public func load(from instant: Date, limits: [Channel: Int]) async throws(StoreError) -> ChannelLoad {
        guard !limits.isEmpty else { return ChannelLoad(limits: limits) }
        return try await read { db in
            var load = ChannelLoad(limits: limits)
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT channel, CAST(not_before / 60 AS INTEGER) AS minute, count(*) AS n FROM job
                    WHERE state IN (\(JobState.waiting.sqlList)) AND not_before >= ? GROUP BY channel, minute
                    """, arguments: [instant.timeIntervalSince1970])
            {
                if let channel = Channel(rawValue: row["channel"]) {
                    load.add(channel, minute: row["minute"], jobs: row["n"])
                }
            }
            return load
        }
    }

    /// The earliest `not_before` of a job still waiting in `new/`.
    public func nextWaitingJob() async throws(StoreError) -> Date? {
        try await read { db in
            try Double.fetchOne(db.cachedStatement(sql: "SELECT min(not_before) FROM job WHERE state = 'spooled'")).map(
                Date.init(timeIntervalSince1970:))
        }
    }

    /// A second after the earliest `not_after`, from `instant` on, of a job still waiting (in
    /// `new/`, `hold/` or `review/`): the first instant it is overdue. A simulation's clock stops
    /// there, so a job expires when it would, not whenever some other debtor next needs a tick.
    public func nextExpiry(from instant: Date) async throws(StoreError) -> Date? {
        try await read { db in
            try Double.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT min(not_after) FROM job
                        WHERE state IN (\(JobState.awaitingDelivery.sqlList)) AND not_after >= ?
                        """),
                arguments: [instant.timeIntervalSince1970]
            ).map { Date(timeIntervalSince1970: $0 + 1) }
        }
    }

    /// Up to `limit` debtors by id, after `cursor`: a forecast walks every debtor a page at a
    /// time along the `agreement_debtor` index, never holding all their ids.
    public func debtors(after cursor: Identifier?, limit: Int) async throws(StoreError) -> [Identifier] {
        try await read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT DISTINCT debtor_id FROM agreement WHERE debtor_id > ? ORDER BY debtor_id LIMIT ?"),
                arguments: [cursor?.rawValue ?? "", limit]
            ).compactMap(Identifier.init)
        }
    }

    /// How many debtors the records hold.
    public func debtorCount() async throws(StoreError) -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT count(DISTINCT debtor_id) FROM agreement") ?? 0 }
    }

    /// The agreement each job in `states` was planned for: whose next action its expiry brings
    /// forward.
    public func agreementsOfJobs(in states: [JobState]) async throws(StoreError) -> [JobID: Identifier] {
        try await read { db in
            var agreements: [JobID: Identifier] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT id, agreement_id FROM job WHERE state IN (\(databaseQuestionMarks(count: states.count)))
                    """, arguments: StatementArguments(states.map(\.rawValue)))
            {
                let id: String = row["id"]
                guard let job = JobID(id) else { throw StoreError.unreadable("job", id, "not a job id") }
                agreements[job] = Identifier(row["agreement_id"] as String)
            }
            return agreements
        }
    }

    /// One job by id.
    public func job(_ id: JobID) async throws(StoreError) -> StoredJob? {
        try await read { db in
            try StoredJob.fetchOne(db, key: id.rawValue)
        }
    }

    /// Waiting jobs of an agreement (for immediate withdrawal from the CLI).
    public func jobs(of agreement: Identifier) async throws(StoreError) -> [StoredJob] {
        try await read { db in
            try StoredJob.fetchAll(
                db, sql: "SELECT * FROM job WHERE agreement_id = ? ORDER BY not_before, id",
                arguments: [agreement.rawValue])
        }
    }

    // MARK: - Inspection

    /// One agreement with its last decision.
    public func agreement(_ id: Identifier) async throws(StoreError) -> StoredAgreement? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM agreement WHERE id = ?", arguments: [id.rawValue])
            else { return nil }
            return StoredAgreement(
                agreement: try StoredJSON.agreement(from: row["data"], row: id.rawValue),
                version: row["version"],
                nextActionAt: (row["next_action_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                outcome: try Self.planOutcome(row, table: "agreement", key: id.rawValue), summary: row["summary"],
                plannedAt: (row["planned_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    /// The recorded decisions of an agreement, oldest first.
    public func decisions(of agreement: Identifier, limit: Int = 50) async throws(StoreError) -> [DecisionRecord] {
        try await read { db in
            try DecisionRecord.fetchAll(
                db,
                sql:
                    """
                    SELECT * FROM (SELECT * FROM decision WHERE agreement_id = ? ORDER BY at DESC, id DESC LIMIT ?)
                    ORDER BY at, id
                    """,
                arguments: [agreement.rawValue, limit])
        }
    }

    /// R30: deletes every record of the agreements whose last activity — an import, an event,
    /// a job, a decision, an adjustment — is older than `cutoff`.
    /// - Returns: how many agreements were deleted.
    public func deleteRecords(inactiveSince cutoff: Date) async throws(StoreError) -> Int {
        try await write { db in
            let stale = try String.fetchAll(
                db,
                sql: """
                    SELECT a.id FROM agreement a
                    WHERE a.updated_at < :cutoff
                      AND NOT EXISTS (SELECT 1 FROM event e WHERE e.agreement_id = a.id AND (e.at >= :cutoff OR
                      e.recorded_at >= :cutoff))
                      AND NOT EXISTS (SELECT 1 FROM job j WHERE j.agreement_id = a.id AND (j.updated_at >= :cutoff OR
                      j.not_after >= :cutoff))
                      AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.agreement_id = a.id AND d.at >= :cutoff)
                      AND NOT EXISTS (SELECT 1 FROM adjustment x WHERE x.agreement_id = a.id AND x.at >= :cutoff)
                    """, arguments: ["cutoff": cutoff.timeIntervalSince1970])
            // Every table that records an agreement cascades from it (migration v7).
            for id in stale { try db.execute(sql: "DELETE FROM agreement WHERE id = ?", arguments: [id]) }
            try Retention.deleteByAge(before: cutoff, db)
            return stale.count
        }
    }

    /// Records a finished tick.
    public func record(_ tick: TickRecord) async throws(StoreError) {
        try await write { db in try tick.insert(db) }
    }

    /// The earliest next action of any agreement.
    public func nextActionAt() async throws(StoreError) -> Date? {
        try await read { db in
            try Self.nextActionAt(db)
        }
    }

    /// Counts for `status`.
    public func status() async throws(StoreError) -> StoreStatus {
        try await read { db in
            var byOutcome: [PlanOutcome: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT outcome, count(*) AS n FROM agreement GROUP BY outcome") {
                byOutcome[try Self.planOutcome(row, table: "agreement", key: "(grouped)")] = row["n"]
            }
            var byState: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM job GROUP BY state") {
                byState[row["state"]] = row["n"]
            }
            let tick = try TickRecord.order(Column("id").desc).fetchOne(db)
            return StoreStatus(
                agreements: byOutcome.values.reduce(0, +), agreementsByOutcome: byOutcome, jobsByState: byState,
                events: try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0, lastTick: tick,
                nextActionAt: try Self.nextActionAt(db))
        }
    }

    /// The summaries of agreements whose last decision was `outcome`, with how many share each.
    /// How many agreements are due for planning at `now`.
    public func dueCount(at now: Date) async throws(StoreError) -> Int {
        try await read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM agreement WHERE next_action_at <= ?",
                arguments: [now.timeIntervalSince1970]) ?? 0
        }
    }

    /// Every agreement with what the planner last decided, optionally only those with one
    /// `outcome` (send, wait, blocked, idle, new), by id.
    public func agreementList(outcome: PlanOutcome?) async throws(StoreError) -> [AgreementListing] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, debtor_id, outcome, summary, next_action_at FROM agreement"
                    + (outcome == nil ? "" : " WHERE outcome = ?") + " ORDER BY id",
                arguments: StatementArguments(outcome.map { [$0.rawValue] } ?? [])
            ).map { row in
                AgreementListing(
                    id: row["id"], debtor: row["debtor_id"],
                    outcome: try Self.planOutcome(row, table: "agreement", key: row["id"]),
                    summary: row["summary"],
                    nextActionAt: (row["next_action_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func summaries(withOutcome outcome: PlanOutcome) async throws(StoreError) -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT summary, count(*) AS n FROM agreement WHERE outcome = ? GROUP BY summary",
                arguments: [outcome.rawValue])
            {
                counts[row["summary"], default: 0] += row["n"] as Int
            }
            return counts
        }
    }

    // MARK: - Rows

    private static func nextActionAt(_ db: Database) throws -> Date? {
        try Double.fetchOne(
            db.cachedStatement(sql: "SELECT min(next_action_at) FROM agreement WHERE next_action_at IS NOT NULL")
        ).map(
            Date.init(timeIntervalSince1970:))
    }

    /// An agreement row's last outcome; one this program does not know is an error naming it.
    static func planOutcome(_ row: Row, table: String, key: String) throws(StoreError) -> PlanOutcome {
        let text: String = row["outcome"]
        guard let outcome = PlanOutcome(rawValue: text) else { throw .unreadable(table, key, "outcome \"\(text)\"") }
        return outcome
    }

    /// A job row in the planner's history, as read.
    static func historyRow(_ row: Row) -> JobHistoryRow {
        JobHistoryRow(
            id: row["id"], touchpoint: row["touchpoint"], covers: row["covers"], agreements: row["agreements"],
            kind: row["kind"], channel: row["channel"], notBefore: Date(timeIntervalSince1970: row["not_before"]),
            notAfter: Date(timeIntervalSince1970: row["not_after"]), state: row["state"], timezone: row["timezone"],
            recipient: row["recipient"], statement: row["statement"])
    }
}

/// The due query in its two forms — the first batch, and each batch after a cursor — named so
/// the query-plan test reads the very SQL the tick runs.
enum DueQuery {
    static let first =
        """
        SELECT id, debtor_id, next_action_at FROM agreement WHERE next_action_at <= ? ORDER BY next_action_at, id LIMIT
        ?
        """
    static let after = """
        SELECT id, debtor_id, next_action_at FROM agreement
        WHERE next_action_at <= ? AND (next_action_at, id) > (?, ?) ORDER BY next_action_at, id LIMIT ?
        """
}

extension [JobState] {
    /// The states as a list of SQL literals for `IN (…)`: the store's queries name their state
    /// sets through `JobState`'s, never a copy of them.
    var sqlList: String { map { "'\($0.rawValue)'" }.joined(separator: ", ") }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements: how long lists are cut for
    /// SQLite's bound parameters.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension SQLiteStore {
    /// Inserts rows copied from another store into `table`, in one transaction: how a server
    /// store fills the embedded copy `simulate` runs on. `table` and `columns` are the schema's
    /// own names, never input.
    public func insertCopied(into table: String, columns: [String], rows: [[CopiedValue]]) async throws(StoreError) {
        let sql =
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + "(\(databaseQuestionMarks(count: columns.count)))"
        try await write { db in
            let statement = try db.cachedStatement(sql: sql)
            for row in rows {
                try statement.execute(
                    arguments: StatementArguments(
                        row.map { value -> (any DatabaseValueConvertible)? in
                            switch value {
                            case .null: nil
                            case .integer(let number): number
                            case .real(let number): number
                            case .text(let text): text
                            }
                        }))
            }
        }
    }
}
