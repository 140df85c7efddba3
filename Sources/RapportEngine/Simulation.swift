import Foundation
import Logging
import RapportConfig
import RapportCore
import RapportMessages
import RapportSpool
import RapportStorage

/// `rapportctl simulate` and `forecast`: the real engine, in virtual time, over a copy of the
/// database and a throwaway spool. The live database and spool are never touched.
///
/// Agreements count as existing at `from`; recorded events dated after `from`, and the
/// simulation's own events, take effect when the clock reaches them, through the same path as
/// `import events`. Every job is delivered at its `not_before`; one nobody delivers (waiting
/// in `review/` for a person, R15) expires a second after its `not_after`. The clock moves
/// from one interesting instant to the next — the earliest next action, event, waiting job or
/// expiry — so quiet stretches cost nothing and a 60-day run over a large portfolio takes
/// minutes.
public struct Simulation: Sendable {
    /// Where the run is, for progress lines.
    public struct Progress: Sendable {
        /// The virtual clock.
        public var now: Date
        /// How far the clock is from `from` to `until`, 0 to 1.
        public var fraction: Double
        /// Jobs delivered so far.
        public var jobs: Int
        /// Seconds since the run began.
        public var elapsed: TimeInterval

        /// "simulate: 2026-11-03T00:00:00Z (5%), 1200 jobs, 12 s": a progress line for `verb`.
        public func line(_ verb: String) -> String {
            "\(verb): \(Timestamp.rfc3339(now)) (\(Int(fraction * 100))%), \(jobs) jobs, \(Int(elapsed)) s"
        }
    }

    /// What the run did.
    public struct Report: Sendable {
        /// Jobs delivered.
        public var jobs = 0
        /// Virtual ticks run.
        public var ticks = 0
        /// Seconds the run took.
        public var seconds = 0.0
    }

    /// The live engine's settings; the run replaces their storage paths with its own.
    public let settings: Settings
    /// Where the virtual clock starts: every agreement is planned then.
    public let from: Date
    /// The last instant simulated.
    public let until: Date
    /// Events to apply as the clock reaches them, already validated.
    public let events: [Event]
    /// Inbound messages (replies, bounces, unsubscribes) to receive as the clock reaches them:
    /// "what if these debtors reply STOP".
    public let inbound: [InboundMessage]
    /// Whether delivered jobs carry their text (`simulate` prints it); false leaves it out for a
    /// run that only counts jobs (`forecast` with rate limits), which then plans a third faster.
    public let rendersText: Bool

    public init(
        settings: Settings, from: Date, until: Date, events: [Event] = [], inbound: [InboundMessage] = [],
        rendersText: Bool = true
    ) {
        self.rendersText = rendersText
        self.settings = settings
        self.from = from
        self.until = until
        self.events = events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(
            \.element)
        self.inbound = inbound.enumerated().sorted {
            ($0.element.receivedAt, $0.offset) < ($1.element.receivedAt, $1.offset)
        }
        .map(\.element)
    }

    /// Runs the simulation over a copy of `live`, handing each delivered job (with its
    /// `deliveredAt`) to `deliver` in send order, and `progress` now and then.
    /// - Parameters:
    ///   - workFolder: an empty private folder for the copy of the database and the throwaway
    ///     spool, which the caller removes (and removes on an interrupt); nil makes and removes
    ///     one under the temporary directory.
    ///   - spoolFolder: an empty private folder for the throwaway spool instead, ideally in
    ///     memory (`Scratch.memoryFolder`): the simulation writes and deletes a file per job.
    public func run(
        copying live: any Store, in workFolder: URL? = nil, spoolIn spoolFolder: URL? = nil, logger: Logger,
        progress: (Progress) -> Void = { _ in },
        deliver: (Job) throws -> Void
    ) async throws -> Report {
        let folder: URL
        if let workFolder {
            folder = workFolder
        } else {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "rapport-simulation-\(UUID().uuidString)")
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        defer { if workFolder == nil { try? FileManager.default.removeItem(at: folder) } }

        var settings = self.settings
        settings.storage.spool = (spoolFolder ?? folder).appendingPathComponent("spool").path
        settings.storage.spoolGroup = nil
        settings.metricsPath = nil
        let store = try await live.snapshot(into: folder.path)
        settings.storage.database = store.location
        try await store.makeAllDue()
        let spool = Spool(root: settings.storage.spool, durable: false, faults: nil)
        try spool.prepare()
        let renderer = try MessageRenderer.checked(directory: settings.templatesDirectory, sender: settings.sender) {
            logger.warning("\($0)")
        }
        var quiet = logger
        quiet.logLevel = .warning
        let engine = Engine(
            settings: settings, store: store, spool: spool, renderer: renderer, logger: quiet, simulated: true,
            rendersText: rendersText)
        // Jobs waiting in the live spool will go out at their not_before: so they do here.
        for state in [JobState.planned, .spooled, .held] {
            for job in try await store.jobs(in: state) {
                try spool.write(job.data, named: job.fileName)
                if state != .spooled {
                    try await store.setState(.spooled, of: [job.id], detail: "copied into the simulation", at: from)
                }
            }
        }

        let recorded = try await store.eventTimes(after: from)
        var nextEvent = events.startIndex
        var nextRecorded = recorded.startIndex
        var nextInbound = inbound.startIndex
        var report = Report()
        let started = Date()
        var lastProgress = started
        var now = from
        while now <= until {
            let arriving = events[nextEvent...].prefix { $0.at <= now }
            if !arriving.isEmpty {
                _ = try await engine.record(Array(arriving), at: now)
                nextEvent += arriving.count
            }
            let replies = inbound[nextInbound...].prefix { $0.receivedAt <= now }
            for message in replies { _ = try await engine.receive(message, at: now) }
            nextInbound += replies.count
            let woken = recorded[nextRecorded...].prefix { $0.at <= now }
            if !woken.isEmpty {
                try await store.makeDue(woken.map(\.agreement))
                nextRecorded += woken.count
            }
            let ticked = try await engine.tick(at: now)
            report.ticks += 1
            report.jobs += try await deliverDue(at: now, engine: engine, deliver: deliver)

            if Date().timeIntervalSince(lastProgress) >= 2 {
                lastProgress = Date()
                progress(
                    Progress(
                        now: now, fraction: now.timeIntervalSince(from) / max(1, until.timeIntervalSince(from)),
                        jobs: report.jobs, elapsed: lastProgress.timeIntervalSince(started)))
            }
            let candidates = [
                // Delivering changes no agreement's next action: the tick's own answer stands.
                ticked.nextActionAt, try await store.nextWaitingJob(), try await store.nextExpiry(from: now),
                events[nextEvent...].first?.at,
                recorded[nextRecorded...].first?.at,
                inbound[nextInbound...].first?.receivedAt,
                now.addingTimeInterval(86_400),
            ].compactMap { $0 }
            now = max(candidates.min() ?? until, now.addingTimeInterval(1))
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Delivers every waiting job whose `not_before` has come, at exactly its `not_before`.
    /// The delivery is recorded directly and the file removed: outcome files would only pile
    /// up in `done/` for the hourly pruning to list again and again.
    private func deliverDue(at now: Date, engine: Engine, deliver: (Job) throws -> Void) async throws -> Int {
        let due = try await engine.store.jobsInFlight(at: now).filter { $0.state == .spooled }.sorted {
            $0.fileName < $1.fileName
        }
        var delivered: [JobID] = []
        for stored in due {
            guard try engine.spool.remove(stored.fileName, from: .new) else {
                // Claimed or gone in the live spool before the copy: it is not ours to deliver.
                try await engine.store.setState(
                    .withdrawn, of: [stored.id], detail: "not in the simulated spool", at: now)
                continue
            }
            var job = try Job.decode(stored.data)
            job.deliveredAt = stored.notBefore
            try deliver(job)
            delivered.append(stored.id)
        }
        try await engine.store.setState(.delivered, of: delivered, detail: "delivered (simulated)", at: now)
        return delivered.count
    }
}
