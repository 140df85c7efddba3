import Foundation
import Logging
import RapportConfig
import RapportCore
import RapportMessages
import RapportSpool
import RapportStorage
import Synchronization

/// Ties the planner to the records and the spool: one `tick(at:)` plans every agreement that
/// is due and writes what it decided.
///
/// The clock is injected (`at:`), so the daemon runs it on real time and tests and simulation
/// on virtual time. Exactly-once rests on one order: a job is recorded as `planned` in the
/// database before its file is written, and marked `spooled` only once the file is durable.
/// A crash in between leaves a `planned` row that the next tick finishes under the same file
/// name; the spool never gets a second file for one job. On a cluster (`claims`) the row is
/// marked ready without a file, and the mirror (`Engine+Mirror`) writes the file within its
/// channel's horizon: there the conditional claim of the row, not the file, is what happens once.
public final class Engine: Sendable {
    public let settings: Settings
    public let store: any Store
    public let spool: Spool
    public let planner: Planner
    public let renderer: MessageRenderer
    /// Whether this engine runs a simulation: there no delivery tool claims or reports, no
    /// file arrives in `in/` (replies come through `receive`) and outcome files never pile up,
    /// so a tick skips reconciling, reading `in/` and pruning: work that is a no-op there, done
    /// at each of a forecast's thousands of virtual ticks.
    public let simulated: Bool
    /// Whether jobs carry their rendered text. A forecast only counts jobs, so it leaves the
    /// text out: rendering is a third of a plan's work, and the text would be stored, written
    /// to the spool and read back only to be thrown away.
    public let rendersText: Bool
    let logger: Logger
    /// When outcome files were last pruned: pruning lists whole folders, so it runs hourly.
    let lastPrune = Mutex<Date?>(nil)

    public init(
        settings: Settings, store: any Store, spool: Spool, renderer: MessageRenderer, logger: Logger,
        simulated: Bool = false, rendersText: Bool = true
    ) {
        self.simulated = simulated
        self.rendersText = rendersText
        self.settings = settings
        self.store = store
        self.spool = spool
        self.planner = Planner(policy: settings.policy)
        self.renderer = renderer
        self.logger = logger
    }

    /// The engine over `store` (opened by the program: the engine knows no database driver),
    /// with the spool named by `settings` prepared and the templates loaded.
    public static func open(settings: Settings, store: any Store, logger: Logger) throws(EngineError) -> Engine {
        let renderer = try templates(of: settings, logger: logger)
        let group = try spoolGroup(settings)
        let spool = Spool(root: settings.storage.spool, group: group)
        do { try spool.prepare() } catch { throw .spool(error, spool: spool.root) }
        return Engine(settings: settings, store: store, spool: spool, renderer: renderer, logger: logger)
    }

    /// An engine with new settings and templates over the same database and spool: what a
    /// reload (SIGHUP) switches to. Storage paths only change with a restart.
    public func reconfigured(_ new: Settings) throws(EngineError) -> Engine {
        let renderer = try Self.templates(of: new, logger: logger)
        if new.storage.database != settings.storage.database || new.storage.spool != settings.storage.spool {
            logger.warning(
                """
                reload: [storage] paths change only on restart; still using \(settings.storage.database) and \
                \(settings.storage.spool)
                """
            )
        }
        var kept = new
        kept.storage.database = settings.storage.database
        kept.storage.spool = settings.storage.spool
        return Engine(
            settings: kept, store: store,
            spool: Spool(root: spool.root, group: try Self.spoolGroup(new), faults: spool.faults), renderer: renderer,
            logger: logger)
    }

    /// Loads the templates: a missing or threatening one (R21) or an SMS template over its
    /// budget at its worst case (R36, with the collector's disclosure when configured, R22)
    /// stops the start and a reload, naming the file, rather than send a message long; a
    /// preview that gives the debt away (R38) is logged (`rapportctl check-config` refuses it).
    private static func templates(of settings: Settings, logger: Logger) throws(EngineError) -> MessageRenderer {
        do {
            return try MessageRenderer.checked(directory: settings.templatesDirectory, sender: settings.sender) {
                logger.warning("\($0)")
            }
        } catch {
            throw EngineError(error)
        }
    }

    private static func spoolGroup(_ settings: Settings) throws(EngineError) -> gid_t? {
        guard let name = settings.storage.spoolGroup else { return nil }
        guard let entry = getgrnam(name) else {
            throw .configuration(
                "\(settings.sourcePath ?? "config"): [storage] spool_group \"\(name)\" is not a group on this system")
        }
        return entry.pointee.gr_gid
    }

    // MARK: - Tick

    /// Plans every agreement due at `now`, withdraws what no longer fits, spools new jobs and
    /// records every decision. `shouldContinue` is asked between batches, so a shutdown
    /// finishes the batch in hand and leaves the rest for the next start.
    public func tick(at now: Date, shouldContinue: () -> Bool = { true }) async throws(EngineError) -> TickReport {
        var report = TickReport(startedAt: now, finishedAt: now)
        let started = ContinuousClock.now
        // A simulation has no interrupted writes to finish: it starts with every planned job
        // written (`Simulation.run`), and each of its ticks writes what it plans or throws.
        if !simulated { report.recovered = try await finishInterruptedWrites(at: now, phases: &report.phases) }
        let reconciling = ContinuousClock.now
        // Replies first: an opt-out takes effect before the next message is planned (R31).
        if !simulated {
            (report.inbound, report.inboundBad) = try await ingestInbound(at: now)
            // On a cluster delivery tools acknowledge in the records, not by renaming files.
            if claims == nil {
                try await reconcileOutcomes(at: now, into: &report)
            } else {
                report.staleClaims = try await reportStaleClaims(at: now)
            }
        }
        report.expired = try await expireUnclaimed(at: now)
        if !simulated { report.pruned = try await pruneOutcomes(at: now) }
        report.phases.reconcile = reconciling.duration(to: .now).seconds
        var load = try await storeCall { try await store.load(from: now, limits: settings.policy.ratePerMinute) }
        var cursor: DueAgreement?
        while shouldContinue() {
            let due = try await report.phases.timing(\.read) { () async throws(EngineError) in
                try await storeCall {
                    try await store.dueAgreements(at: now, after: cursor, limit: settings.daemon.batchSize)
                }
            }
            guard let last = due.last else { break }
            cursor = last
            do {
                try await planBatch(due, at: now, load: &load, into: &report)
            } catch .store(let error) where error.kind == .fenced {
                // A partition of the batch changed hands meanwhile: its new owner plans it. The
                // batches of the partitions still held go on.
                report.fencedBatches += 1
                logger.warning("\(error.message)")
            }
        }
        if let claims, !simulated {
            let pass = try await report.phases.timing(\.write) { () async throws(EngineError) in
                try await mirror(claims, at: now)
            }
            (report.mirrored, report.unmirrored) = (pass.written, pass.removed + pass.undone)
        }
        report.nextActionAt = try await storeCall { try await store.nextActionAt() }
        // The tick's own clock plus what the monotonic clock measured: on a cluster `now` is the
        // database's, and this host's wall clock may be off from it.
        report.finishedAt = now.addingTimeInterval(started.duration(to: .now).seconds)
        let record = report
        // A simulation's copy is thrown away: recording each of its ten thousand virtual ticks
        // for `status` would be a write transaction a tick that nobody reads.
        if !simulated {
            try await storeCall {
                try await store.record(
                    TickRecord(
                        startedAt: record.startedAt, finishedAt: record.finishedAt, due: record.due,
                        spooled: record.spooled.count,
                        withdrawn: record.withdrawn, dropped: record.dropped, expired: record.expired,
                        nextActionAt: record.nextActionAt))
            }
        }
        logger.info("\(report.summary)")
        return report
    }

    /// A job file to write: the job's id, its file name and exact bytes, and whether it waits
    /// in `review/` for a person (R15) rather than in `new/`.
    struct PendingFile {
        var id: JobID
        var fileName: String
        var bytes: Data
        var review: Bool
    }

    /// Writes the files as one durable batch (one flush), then marks their jobs in one
    /// transaction: the order exactly-once rests on. A crash between the two leaves `planned`
    /// rows whose files exist, which the next tick finds by name and only marks.
    /// - Parameter note: appended to each recorded decision, e.g. why the write happens now.
    func writeAndMark(_ files: [PendingFile], note: String = "", at now: Date, phases: inout TickReport.Phases)
        async throws(EngineError)
    {
        guard !files.isEmpty else { return }
        // On a cluster a ready job's file is written by the mirror, within its horizon, on
        // whichever host owns the job then; only a person's review/ is written at once.
        let writing = claims == nil ? files : files.filter(\.review)
        try await phases.timing(\.write) { () async throws(EngineError) in
            if !writing.isEmpty {
                _ = try await storeCall {
                    try spool.write(
                        batch: writing.map {
                            Spool.FileToWrite(name: $0.fileName, data: $0.bytes, folder: $0.review ? .review : .new)
                        })
                }
            }
            try await storeCall { try spool.faults?.reach(.beforeMarked, spool.root) }
        }
        try await phases.timing(\.mark) { () async throws(EngineError) in
            try await storeCall {
                try await store.setStates(
                    [
                        JobStateChange(
                            state: .spooled, jobIDs: files.filter { !$0.review }.map(\.id),
                            detail: (claims == nil ? "written to new/" : "ready; mirrored into new/ within its horizon")
                                + note),
                        JobStateChange(
                            state: .review, jobIDs: files.filter(\.review).map(\.id),
                            detail: "R15: written to review/ for a person to approve" + note),
                    ], at: now)
            }
        }
    }

    /// Runs `body`, turning whatever it throws into an `EngineError`.
    func storeCall<T>(_ body: () async throws -> T) async throws(EngineError) -> T {
        do {
            return try await body()
        } catch let error as EngineError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch let error as SystemError {
            throw .spool(error, spool: spool.root)
        } catch {
            throw .configuration("\(error)")
        }
    }
}

extension TickReport.Phases {
    /// Runs `body` and adds its duration to the phase at `phase`.
    mutating func timing<T>(_ phase: WritableKeyPath<Self, Double>, _ body: () async throws(EngineError) -> T)
        async throws(EngineError) -> T
    {
        let start = ContinuousClock.now
        defer { self[keyPath: phase] += start.duration(to: .now).seconds }
        return try await body()
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
