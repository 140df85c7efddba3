import Dispatch
import Foundation
import Logging
import RapportEngine
import Synchronization

/// The daemon's clock: a `DispatchSourceTimer` ticks the engine on one serial queue, so ticks
/// never overlap and nothing polls between them.
///
/// SIGTERM and SIGINT are handled on another queue: they raise a flag the tick checks between
/// batches, then queue the exit behind the running tick, so the current batch is finished and
/// recorded before the process exits 0.
final class DaemonLoop: Sendable {
    private let engine: Engine
    private let logger: Logger
    private let ticks = DispatchQueue(label: "rapport.tick")
    private let signals = DispatchQueue(label: "rapport.signals")
    private let stopping = Atomic<Bool>(false)

    init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    /// Ticks now and then every `[daemon] tick_seconds` until a signal; never returns.
    func run(afterTick: @escaping @Sendable (TickReport) -> Void) -> Never {
        let interval = engine.settings.daemon.tickSeconds
        let timer = DispatchSource.makeTimerSource(queue: ticks)
        timer.schedule(deadline: .now(), repeating: .seconds(interval), leeway: .milliseconds(500))
        timer.setEventHandler { [self] in
            guard !stopping.load(ordering: .relaxed) else { return }
            do {
                let report = try engine.tick(at: Date(), shouldContinue: { !self.stopping.load(ordering: .relaxed) })
                afterTick(report)
            } catch {
                // A locked database or a full disk: nothing advanced; the next tick retries.
                logger.error("tick skipped: \(error)")
            }
        }
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: signals)
            source.setEventHandler { [self] in
                stopping.store(true, ordering: .relaxed)
                logger.info("\(number == SIGTERM ? "SIGTERM" : "SIGINT") received: finishing the current batch")
                ticks.async {
                    self.logger.info("stopped")
                    exit(0)
                }
            }
            source.resume()
            sources.append(source)
        }
        timer.resume()
        logger.info("ticking every \(interval) s; database \(engine.store.path), spool \(engine.spool.root)")
        withExtendedLifetime((timer, sources)) { dispatchMain() }
    }
}
