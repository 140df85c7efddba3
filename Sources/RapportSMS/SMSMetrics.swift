import Foundation
import RapportSpool

/// `rapport-sms`'s counters in the Prometheus text format, written beside the daemon's metrics
/// file (`[metrics] textfile`) as `rapport-sms.prom` for node_exporter. Counts only: never a
/// number or a text.
public struct SMSMetrics: Sendable {
    public var sending = SMSSender.Pass()
    public var callbacks = CallbackListener.Tally()

    public init() {}

    /// Adds one round's sending.
    public mutating func add(_ pass: SMSSender.Pass) {
        sending.sent += pass.sent
        sending.refused += pass.refused
        sending.temporary += pass.temporary
        sending.expired += pass.expired
    }

    /// The text exposition.
    public func rendered() -> String {
        let counters: [(String, String, Int)] = [
            ("rapport_sms_sent_total", "SMS jobs the provider accepted.", sending.sent),
            ("rapport_sms_refused_total", "SMS jobs the provider refused, or that could not be sent.", sending.refused),
            ("rapport_sms_expired_total", "SMS jobs claimed after their not_after, never sent.", sending.expired),
            (
                "rapport_sms_temporary_total", "Times the provider was unreachable or asked for later (job kept).",
                sending.temporary
            ),
            (
                "rapport_sms_callbacks_refused_total", "Callbacks refused: no valid secret or signature, too large.",
                callbacks.refused
            ),
        ]
        var text = counters.map { "# HELP \($0.0) \($0.1)\n# TYPE \($0.0) counter\n\($0.0) \($0.2)\n" }.joined()
        text += "# HELP rapport_sms_callbacks_total Callbacks recorded: delivery reports by outcome, replies.\n"
        text += "# TYPE rapport_sms_callbacks_total counter\n"
        for kind in CallbackCount.allCases {
            text += "rapport_sms_callbacks_total{kind=\"\(kind.rawValue)\"} \(callbacks.counts[kind] ?? 0)\n"
        }
        return text
    }

    /// Writes the metrics to `path` atomically.
    public func write(to path: String) throws {
        try DurableFile.replace(path, with: Data(rendered().utf8), mode: 0o644)
    }
}
