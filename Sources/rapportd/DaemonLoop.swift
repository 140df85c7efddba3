import Dispatch
import Foundation
import Logging
import RapportCommandLine
import RapportConfig
import RapportCore
import RapportEngine
import RapportService
import RapportSpool
import Synchronization

/// The daemon's life as a small state machine driven by one serial queue: a
/// `DispatchSourceTimer` ticks the engine, so ticks never overlap and nothing polls between
/// them; the watchdog ping is a second timer on the *same* queue, so a hung tick stops the
/// pings and systemd restarts the service; a reload (SIGHUP) is queued behind the running
/// tick and takes effect at the next one.
///
/// SIGTERM and SIGINT are handled on another queue: they raise a flag the tick checks between
/// batches, tell systemd `STOPPING=1`, then queue the exit behind the running tick, so the
/// current batch is finished and recorded before the process exits 0.
final class DaemonLoop: Sendable {
    private let engine: Mutex<Engine>
    private let storage: StorageOptions
    private let logger: Logger
    private let notifier = SystemdNotifier()
    private let metrics = Mutex(Metrics())
    private let ticks = DispatchQueue(label: "rapport.tick")
    private let signals = DispatchQueue(label: "rapport.signals")
    private let stopping = Atomic<Bool>(false)
    private let configure: @Sendable (Settings) -> Settings

    /// - Parameter configure: applied to every (re)loaded config, e.g. the demo's own paths.
    init(
        engine: Engine, storage: StorageOptions, logger: Logger,
        configure: @escaping @Sendable (Settings) -> Settings = { $0 }
    ) {
        self.engine = Mutex(engine)
        self.storage = storage
        self.logger = logger
        self.configure = configure
    }

    private var current: Engine { engine.withLock { $0 } }

    /// Ticks now and then every `[daemon] tick_seconds` until a signal; never returns.
    func run(afterTick: @escaping @Sendable (TickReport) -> Void) -> Never {
        let interval = current.settings.daemon.tickSeconds
        let timer = DispatchSource.makeTimerSource(queue: ticks)
        timer.schedule(deadline: .now(), repeating: .seconds(interval), leeway: .milliseconds(500))
        timer.setEventHandler { [self] in
            guard !stopping.load(ordering: .relaxed) else { return }
            tick(afterTick)
        }
        var sources: [any DispatchSourceProtocol] = [timer]
        if let watchdog = notifier.watchdogInterval {
            let ping = DispatchSource.makeTimerSource(queue: ticks)
            let microseconds = Int(
                watchdog.components.seconds * 1_000_000 + watchdog.components.attoseconds / 1_000_000_000_000)
            ping.schedule(deadline: .now(), repeating: .microseconds(microseconds), leeway: .milliseconds(100))
            ping.setEventHandler { [notifier] in notifier.notify("WATCHDOG=1") }
            ping.resume()
            sources.append(ping)
        }
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: signals)
            source.setEventHandler { [self] in
                if number == SIGHUP {
                    ticks.async { self.reload() }
                    return
                }
                stopping.store(true, ordering: .relaxed)
                notifier.notify("STOPPING=1")
                logger.info("\(number == SIGTERM ? "SIGTERM" : "SIGINT") received: finishing the current batch")
                ticks.async {
                    self.logger.info("stopped")
                    exit(0)
                }
            }
            source.resume()
            sources.append(source)
        }
        // READY before the first tick can report: systemd must never see a tick's STATUS first.
        notifier.notify("READY=1\nSTATUS=started; first tick now, then every \(interval) s")
        logger.info("ticking every \(interval) s; database \(current.store.path), spool \(current.spool.root)")
        timer.resume()
        withExtendedLifetime(sources) { dispatchMain() }
    }

    private func tick(_ afterTick: @Sendable (TickReport) -> Void) {
        let engine = current
        do {
            let report = try engine.tick(at: Date(), shouldContinue: { !self.stopping.load(ordering: .relaxed) })
            notifier.notify("STATUS=\(Self.status(report))")
            writeMetrics(report, engine: engine)
            afterTick(report)
        } catch {
            // A locked database or a full disk: nothing advanced; the next tick retries.
            logger.error("tick skipped: \(error)")
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

    private func writeMetrics(_ report: TickReport, engine: Engine) {
        guard let path = engine.settings.metricsPath else { return }
        var depth: [String: Int] = [:]
        for folder in [Spool.Folder.new, .hold, .cur] {
            depth[folder.rawValue] = (try? engine.spool.list(folder).count) ?? 0
        }
        let inbound = (try? engine.store.inboundCounts()) ?? ([:], 0)
        let snapshot = metrics.withLock { metrics in
            metrics.record(report, suppressed: report.blocked, depth: depth, inbound: inbound)
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
