import Foundation
import Logging
import RapportConfig
import RapportCore
import RapportMessages
import RapportSpool
import RapportStore

/// Ties the planner to the records and the spool: one `tick(at:)` plans every agreement that
/// is due and writes what it decided.
///
/// The clock is injected (`at:`), so the daemon runs it on real time and tests and simulation
/// on virtual time. Exactly-once rests on one order: a job is recorded as `planned` in the
/// database before its file is written, and marked `spooled` only once the file is durable.
/// A crash in between leaves a `planned` row that the next tick finishes under the same file
/// name; the spool never gets a second file for one job.
public final class Engine: Sendable {
    public let settings: Settings
    public let store: Store
    public let spool: Spool
    public let planner: Planner
    public let renderer: MessageRenderer
    private let logger: Logger

    public init(settings: Settings, store: Store, spool: Spool, renderer: MessageRenderer, logger: Logger) {
        self.settings = settings
        self.store = store
        self.spool = spool
        self.planner = Planner(policy: settings.policy)
        self.renderer = renderer
        self.logger = logger
    }

    /// Opens the database and the spool named by `settings` and loads the templates.
    public static func open(settings: Settings, logger: Logger) throws(EngineError) -> Engine {
        let renderer: MessageRenderer
        do { renderer = try MessageRenderer(directory: settings.templatesDirectory, sender: settings.sender) } catch { throw EngineError(error) }
        let group = try spoolGroup(settings)
        let store: Store
        do { store = try Store(path: settings.storage.database, busyTimeout: settings.storage.busyTimeoutSeconds) } catch { throw .store(error) }
        let spool = Spool(root: settings.storage.spool, group: group)
        do { try spool.prepare() } catch { throw .spool(error, spool: spool.root) }
        return Engine(settings: settings, store: store, spool: spool, renderer: renderer, logger: logger)
    }

    private static func spoolGroup(_ settings: Settings) throws(EngineError) -> gid_t? {
        guard let name = settings.storage.spoolGroup else { return nil }
        guard let entry = getgrnam(name) else {
            throw .configuration("\(settings.sourcePath ?? "config"): [storage] spool_group \"\(name)\" is not a group on this system")
        }
        return entry.pointee.gr_gid
    }

    // MARK: - Tick

    /// Plans every agreement due at `now`, withdraws what no longer fits, spools new jobs and
    /// records every decision. `shouldContinue` is asked between batches, so a shutdown
    /// finishes the batch in hand and leaves the rest for the next start.
    public func tick(at now: Date, shouldContinue: () -> Bool = { true }) throws(EngineError) -> TickReport {
        var report = TickReport(startedAt: now, finishedAt: now)
        report.recovered = try finishInterruptedWrites(at: now)
        report.expired = try expireUnclaimed(at: now)
        var seen: Set<Identifier> = []
        while shouldContinue() {
            let due = try storeCall { try store.dueAgreements(at: now, limit: settings.daemon.batchSize) }
                .filter { !seen.contains($0.agreement) }
            if due.isEmpty { break }
            seen.formUnion(due.map(\.agreement))
            try planBatch(due, at: now, into: &report)
        }
        report.nextActionAt = try storeCall { try store.nextActionAt() }
        report.finishedAt = Date(timeIntervalSince1970: max(now.timeIntervalSince1970, Date().timeIntervalSince1970))
        let record = report
        try storeCall {
            try store.record(TickRecord(
                startedAt: record.startedAt, finishedAt: record.finishedAt, due: record.due, spooled: record.spooled.count,
                withdrawn: record.withdrawn, dropped: record.dropped, expired: record.expired, nextActionAt: record.nextActionAt))
        }
        logger.info("\(report.summary)")
        return report
    }

    /// The most plans of one agreement in one tick: a send, perhaps a second (a thank-you may
    /// follow a reminder), then the wait that says when to look next.
    static let plansPerAgreement = 4

    private func planBatch(_ due: [(agreement: Identifier, debtor: Identifier)], at now: Date, into report: inout TickReport) throws(EngineError) {
        var debtors: [Identifier] = []
        var dueIDs: Set<Identifier> = []
        for item in due {
            if !debtors.contains(item.debtor) { debtors.append(item.debtor) }
            dueIDs.insert(item.agreement)
        }
        var records: [PlanRecord] = []
        for debtor in debtors {
            let portfolio = try storeCall { try store.portfolio(of: debtor) }
            var history = portfolio.history
            for agreement in portfolio.agreements where dueIDs.contains(agreement.id) {
                let state = AgreementState(agreement: agreement, events: portfolio.events, now: now)
                report.due += 1
                // After a send, plan again with the new job in the history: the second answer
                // is when to look next (usually a wait for pacing), so nothing is re-planned
                // on the next tick for nothing.
                for _ in 0..<Self.plansPerAgreement {
                    let decision = planner.plan(state, history: history, now: now)
                    var withdrawn: [(Withdrawal, JobState)] = []
                    for withdrawal in decision.withdrawals {
                        guard let index = history.firstIndex(where: { $0.jobID == withdrawal.jobID }) else { continue }
                        let state = try takeBack(history[index])
                        history[index].state = state
                        withdrawn.append((withdrawal, state))
                        if state == .withdrawn { report.withdrawn += 1 }
                    }
                    guard case .send(let contact) = decision.outcome else {
                        records.append(PlanRecord(agreement: agreement.id, decision: decision, job: nil, withdrawn: withdrawn))
                        break
                    }
                    let message = renderer.render(contact)
                    let job = Job(contact: contact, locale: message.locale, subject: message.subject, body: message.body, createdAt: now)
                    history.append(ContactRecord(
                        jobID: contact.jobID, touchpoint: contact.touchpoint, agreements: contact.agreements, kind: contact.kind,
                        channel: contact.channel, notBefore: contact.notBefore, notAfter: contact.notAfter, state: .planned, timezone: contact.timezone))
                    var sending = decision
                    // Should the loop end on a send, the next tick looks again.
                    sending.nextReview = now.addingTimeInterval(1)
                    records.append(PlanRecord(agreement: agreement.id, decision: sending, job: job, withdrawn: withdrawn))
                }
            }
        }
        report.dropped += try storeCall { try store.commit(records, at: now) }

        var written: [String] = []
        defer {
            // Whatever was made durable is marked, even when a later write failed.
            if !written.isEmpty { try? store.setState(.spooled, of: written, detail: "written to new/", at: now) }
        }
        for record in records {
            guard let job = record.job else { continue }
            _ = try storeCall { try spool.write(job) }
            written.append(job.id)
            report.spooled.append(TickReport.Spooled(
                fileName: job.fileName, agreement: job.agreement, kind: job.kind, channel: job.channel, localTime: job.localTime, timezone: job.timezone))
            logger.debug("spooled \(job.fileName) for \(job.agreement)")
        }
    }

    /// Moves a waiting job's file to `withdrawn/` and says where the job ended up: withdrawn,
    /// or already claimed (too late, recorded as such).
    private func takeBack(_ record: ContactRecord) throws(EngineError) -> JobState {
        let name = Job.fileName(notBefore: record.notBefore, channel: record.channel, id: record.jobID)
        return try storeCall {
            if try spool.move(name, from: .new, to: .withdrawn) { return .withdrawn }
            switch try spool.locate(name)?.folder {
            case .cur: return .claimed
            case .done: return .delivered
            case .failed: return .failed
            case .expired: return .expired
            case .withdrawn, .new, .tmp, nil: return .withdrawn
            }
        }
    }

    /// Takes back, at once, every waiting job of `agreement` that the planner would no longer
    /// send (R18): what `rapportctl` does right after recording a pause, cease or payment.
    /// - Returns: how many jobs were withdrawn.
    public func withdrawStale(_ agreement: Identifier, at now: Date) throws(EngineError) -> Int {
        guard let stored = try storeCall({ try store.agreement(agreement) }) else { return 0 }
        let portfolio = try storeCall { try store.portfolio(of: stored.agreement.debtor.id) }
        let state = AgreementState(agreement: stored.agreement, events: portfolio.events, now: now)
        let decision = planner.plan(state, history: portfolio.history, now: now)
        var count = 0
        for withdrawal in decision.withdrawals {
            guard let record = portfolio.history.first(where: { $0.jobID == withdrawal.jobID }) else { continue }
            let result = try takeBack(record)
            try storeCall { try store.setState(result, of: [record.jobID], detail: withdrawal.reason, at: now) }
            if result == .withdrawn { count += 1 }
        }
        return count
    }

    // MARK: - Recovery and expiry

    /// Finishes jobs recorded as `planned` whose file may be missing: writes it under the
    /// same name from the recorded bytes, or just marks it when the file is already there.
    private func finishInterruptedWrites(at now: Date) throws(EngineError) -> Int {
        var finished = 0
        for job in try storeCall({ try store.jobs(in: .planned) }) {
            try storeCall {
                if let location = try spool.locate(job.fileName) {
                    try store.setState(Self.state(of: location.folder), of: [job.id], detail: "file found in \(location.folder.rawValue)/", at: now)
                } else if job.notAfter <= now {
                    try store.setState(.expired, of: [job.id], detail: "not written before its not_after", replan: true, at: now)
                } else {
                    try spool.write(job.data, named: job.fileName)
                    try store.setState(.spooled, of: [job.id], detail: "written to new/ after an interrupted tick", at: now)
                }
            }
            finished += 1
        }
        return finished
    }

    /// Moves jobs still in `new/` after their `not_after` to `expired/` and makes their
    /// agreements due again; jobs a delivery tool took are marked where they went.
    private func expireUnclaimed(at now: Date) throws(EngineError) -> Int {
        var expired = 0
        for job in try storeCall({ try store.overdueJobs(at: now) }) {
            try storeCall {
                if try spool.move(job.fileName, from: .new, to: .expired) {
                    try store.setState(.expired, of: [job.id], detail: "not claimed before not_after", replan: true, at: now)
                    expired += 1
                } else if let location = try spool.locate(job.fileName) {
                    try store.setState(Self.state(of: location.folder), of: [job.id], detail: "found in \(location.folder.rawValue)/", at: now)
                }
            }
        }
        return expired
    }

    private static func state(of folder: Spool.Folder) -> JobState {
        switch folder {
        case .tmp, .new: .spooled
        case .cur: .claimed
        case .done: .delivered
        case .failed: .failed
        case .expired: .expired
        case .withdrawn: .withdrawn
        }
    }

    /// Runs `body`, turning whatever it throws into an `EngineError`.
    private func storeCall<T>(_ body: () throws -> T) throws(EngineError) -> T {
        do {
            return try body()
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
