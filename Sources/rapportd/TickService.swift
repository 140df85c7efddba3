import Dispatch
import Foundation
import Logging
import RapportCommandLine
import RapportConfig
import RapportCore
import RapportEngine
import RapportService
import RapportSpool
import RapportStorage
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The daemon's ticks, as a service of the `ServiceGroup` that `rapportd` runs.
///
/// A `DispatchSourceTimer` wakes the service every `[daemon] tick_seconds`; the service runs one
/// tick at a time from a single loop, so ticks never overlap and a wake that comes while a tick
/// runs is kept once, not queued up. SIGHUP queues a reload into the same loop, behind the
/// running tick, taking effect at the next one. On graceful shutdown (the group's SIGTERM or
/// SIGINT) the running tick finishes its batch, is recorded, and the service returns: `rapportd`
/// exits 0.
///
/// The watchdog is pinged from another timer, but only while the loop is well: between ticks,
/// or while a tick has run for less than the watchdog interval. A hung tick stops the pings,
/// and systemd restarts the service.
final class TickService: Service {
    /// What wakes the loop.
    private enum Wake: Sendable { case tick, reload }

    private let engine: Mutex<Engine>
    private let storage: StorageOptions
    private let logger: Logger
    private let notifier = SystemdNotifier()
    private let metrics = Mutex(Metrics())
    private let timers = DispatchQueue(label: "rapport.timers")
    private let stopping = Atomic<Bool>(false)
    /// Whether a tick wake waits in the loop's stream, so the timer adds no second one.
    private let tickPending = Atomic<Bool>(false)
    /// When the running tick started (monotonic nanoseconds), 0 between ticks.
    private let tickStarted = Atomic<UInt64>(0)
    private let configure: @Sendable (Settings) -> Settings
    private let afterTick: @Sendable (TickReport) -> Void
    private let nodeCounters: @Sendable () -> NodeCounters?
    /// A cluster node's partitions: each tick runs as one fenced operation.
    private let fence: PartitionFence?
    /// The instant each tick plans for: this host's clock, or a cluster's database's.
    private let clock: @Sendable () async -> Date

    /// - Parameters:
    ///   - configure: applied to every (re)loaded config, e.g. the demo's own paths.
    ///   - afterTick: called with each tick's report (the demo prints a line).
    ///   - nodeCounters: a cluster node's lease counters, for the metrics file.
    ///   - fence: a cluster node's partitions, fencing each tick as one operation.
    ///   - clock: the instant each tick plans for.
    init(
        engine: Engine, storage: StorageOptions, logger: Logger,
        configure: @escaping @Sendable (Settings) -> Settings = { $0 },
        afterTick: @escaping @Sendable (TickReport) -> Void = { _ in },
        nodeCounters: @escaping @Sendable () -> NodeCounters? = { nil }, fence: PartitionFence? = nil,
        clock: @escaping @Sendable () async -> Date = { Date() }
    ) {
        self.clock = clock
        self.nodeCounters = nodeCounters
        self.fence = fence
        self.engine = Mutex(engine)
        self.storage = storage
        self.logger = logger
        self.configure = configure
        self.afterTick = afterTick
    }

    private var current: Engine { engine.withLock { $0 } }

    /// Runs the service group of `service` until SIGTERM or SIGINT, then exits 0.
    /// - Parameter before: services started before the ticks and stopped after them (a
    ///   cluster node's leases: the running tick finishes its batch while the node still
    ///   holds its partitions, then they are handed back).
    static func runUntilStopped(_ service: TickService, after before: [any Service] = [], logger: Logger)
        async throws
    {
        var quiet = logger
        quiet.logLevel = .warning
        let group = ServiceGroup(
            services: before + [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: quiet)
        try await group.run()
        logger.info("stopped")
    }

    func run() async throws {
        let (wakes, continuation) = AsyncStream.makeStream(of: Wake.self)
        let interval = current.settings.daemon.tickSeconds
        let timer = DispatchSource.makeTimerSource(queue: timers)
        timer.schedule(deadline: .now(), repeating: .seconds(interval), leeway: .milliseconds(500))
        timer.setEventHandler { [self] in
            if !tickPending.exchange(true, ordering: .relaxed) { continuation.yield(.tick) }
        }
        // READY before the first tick can report: systemd must never see a tick's STATUS first.
        notifier.notify("READY=1\nSTATUS=started; first tick now, then every \(interval) s")
        let watchdog = startWatchdog()
        logger.info("ticking every \(interval) s; database \(current.store.location), spool \(current.spool.root)")
        timer.resume()
        defer {
            timer.cancel()
            watchdog?.cancel()
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup) { continuation.yield(.reload) }
            }
            await withGracefulShutdownHandler {
                for await wake in wakes {
                    switch wake {
                    case .tick:
                        tickPending.store(false, ordering: .relaxed)
                        await tick()
                    case .reload: reload()
                    }
                }
            } onGracefulShutdown: { [self] in
                stopping.store(true, ordering: .relaxed)
                notifier.notify("STOPPING=1")
                logger.info("graceful shutdown: finishing the current batch")
                continuation.finish()
            }
            group.cancelAll()
        }
    }

    /// Pings the watchdog at its interval while the loop is well; nil without a watchdog.
    private func startWatchdog() -> (any DispatchSourceTimer)? {
        guard let interval = notifier.watchdogInterval else { return nil }
        let limit =
            UInt64(interval.components.seconds) * 2 * 1_000_000_000
            + UInt64(interval.components.attoseconds / 500_000_000)
        let microseconds = Int(
            interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000)
        let ping = DispatchSource.makeTimerSource(queue: timers)
        ping.schedule(deadline: .now(), repeating: .microseconds(microseconds), leeway: .milliseconds(100))
        ping.setEventHandler { [self] in
            let started = tickStarted.load(ordering: .relaxed)
            // The ping comes every half of WATCHDOG_USEC: a tick running for longer than the whole
            // interval is taken as hung.
            if started == 0 || DispatchTime.now().uptimeNanoseconds - started < limit {
                notifier.notify("WATCHDOG=1")
            }
        }
        ping.resume()
        return ping
    }

    private func tick() async {
        let engine = current
        tickStarted.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
        defer { tickStarted.store(0, ordering: .relaxed) }
        let now = await clock()
        do {
            let run = { () async throws(EngineError) -> TickReport in
                try await engine.tick(at: now, shouldContinue: { !self.stopping.load(ordering: .relaxed) })
            }
            let report: TickReport
            if let fence { report = try await fence.operation(run) } else { report = try await run() }
            notifier.notify("STATUS=\(Self.status(report))")
            await writeMetrics(report, engine: engine)
            afterTick(report)
        } catch {
            // A locked database or a full disk: nothing advanced; the next tick retries.
            logger.error("tick skipped: \(error)")
            if case .store(let refused) = error as? EngineError, refused.kind == .backstop {
                let snapshot = metrics.withLock { metrics in
                    metrics.backstopRefusals += 1
                    return metrics
                }
                if let path = engine.settings.metricsPath { try? snapshot.write(to: path) }
            }
            notifier.notify("STATUS=tick skipped at \(Timestamp.rfc3339(Date())): \(error)")
        }
    }

    /// "tick 14:05:00Z: 120 spooled, 3 withdrawn, next 14:06:00Z" — one line for `systemctl status`.
    static func status(_ report: TickReport) -> String {
        func clock(_ date: Date) -> String { String(Timestamp.rfc3339(date).dropFirst(11)) }
        return
            "tick \(clock(report.startedAt)): \(report.due) planned, \(report.spooled.count) spooled, "
            + "\(report.withdrawn) withdrawn, "
            + "\(report.delivered) delivered, \(report.failed) failed, next "
            + "\(report.nextActionAt.map { $0 <= report.startedAt ? "now" : clock($0) } ?? "-")"
    }

    private func writeMetrics(_ report: TickReport, engine: Engine) async {
        guard let path = engine.settings.metricsPath else { return }
        var depth: [String: Int] = [:]
        for folder in [Spool.Folder.new, .hold, .cur] {
            depth[folder.rawValue] = (try? engine.spool.list(folder).count) ?? 0
        }
        let inbound = (try? await engine.store.inboundCounts()) ?? InboundCounts()
        let available = try? engine.spool.availableBytes()
        let snapshot = metrics.withLock { metrics in
            metrics.record(
                report, suppressed: report.blocked, depth: depth, inbound: inbound, spoolAvailableBytes: available)
            metrics.tickIntervalSeconds = engine.settings.daemon.tickSeconds
            metrics.node = nodeCounters()
            return metrics
        }
        do {
            try snapshot.write(to: path)
        } catch {
            logger.warning("metrics file \(path) not written: \(error)")
        }
    }

    /// Re-reads the config and templates. A valid config takes effect at the next tick; an
    /// invalid one is logged with the key at fault and the old one stays.
    private func reload() {
        notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())")
        do {
            let settings = configure(try storage.settings())
            let next = try current.reconfigured(settings)
            engine.withLock { $0 = next }
            logger.info("reloaded \(storage.configPath)")
            notifier.notify("READY=1\nSTATUS=reloaded \(storage.configPath)")
        } catch let failure as Failure {
            logger.error("reload refused, keeping the running config: \(failure.message)")
            notifier.notify("READY=1\nSTATUS=reload refused: \(failure.message)")
        } catch {
            logger.error("reload refused, keeping the running config: \(error)")
            notifier.notify("READY=1\nSTATUS=reload refused: \(error)")
        }
    }
}
