import Foundation
import Logging
import RapportCommandLine
import RapportSMS
import RapportSpool

/// The service: the send loop and the callback listener side by side until a stop is asked
/// (or, with `--once`, one pass and `linger` seconds of listening).
struct SMSLoop {
    let sender: SMSSender
    let listener: CallbackListener
    let address: (host: String, port: Int)
    let metricsPath: String?
    let logger: Logger

    func run(once: Bool, interval: Int, linger: Int, running: @escaping @Sendable () -> Bool) async throws {
        let (host, port) = address
        let listener = self.listener
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do { try await listener.run(host: host, port: port) } catch is CancellationError {} catch {
                    throw Failure(
                        .unavailable, "[sms] listen \(host):\(port) cannot be served: \(error); is the port taken?")
                }
            }
            group.addTask {
                try await sendRounds(once: once, interval: interval, linger: linger, running: running)
            }
            // Whichever ends first ends both: the rounds when asked to stop, the listener on an error.
            try await group.next()
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    private func sendRounds(
        once: Bool, interval: Int, linger: Int, running: @escaping @Sendable () -> Bool
    ) async throws {
        var metrics = SMSMetrics()
        repeat {
            let pass: SMSSender.Pass
            do { pass = try await sender.sendDue(shouldContinue: running) } catch let error as SystemError {
                throw Failure(.ioError, error.description)
            } catch {
                throw Failure(mapping: error)
            }
            metrics.add(pass)
            if pass != SMSSender.Pass() {
                logger.info(
                    """
                    sent \(pass.sent), refused \(pass.refused), expired \(pass.expired)\
                    \(pass.temporary > 0 ? "; the provider was unreachable or busy: the rest waits" : "")
                    """)
            }
            let pause = once ? linger : max(1, interval)
            for _ in 0..<pause where running() { try await Task.sleep(for: .seconds(1)) }
            metrics.callbacks = listener.counts
            write(metrics)
        } while !once && running()
        let callbacks = listener.counts
        logger.info(
            """
            callbacks: \(callbacks.counts[.delivered] ?? 0) delivered, \(callbacks.counts[.failed] ?? 0) failed, \
            \(callbacks.counts[.reply] ?? 0) replies, \(callbacks.refused) refused
            """)
        if !once { logger.info("stopping: SIGTERM or SIGINT received") }
    }

    private func write(_ metrics: SMSMetrics) {
        guard let metricsPath else { return }
        do { try metrics.write(to: metricsPath) } catch {
            logger.warning("metrics file \(metricsPath) not written: \(error)")
        }
    }
}
