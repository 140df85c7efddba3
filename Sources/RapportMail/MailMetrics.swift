import Foundation
import RapportSpool

/// `rapport-mail`'s counters in the Prometheus text format, written beside the daemon's
/// metrics file (`[metrics] textfile`) as `rapport-mail.prom` for node_exporter.
public struct MailMetrics: Sendable {
    public var sent = 0
    public var failed = 0
    public var replies = 0
    public var bounced = 0
    public var unsubscribed = 0

    public init() {}

    /// Adds one round's counts.
    public mutating func add(_ sending: MailSender.Pass, _ reading: ReplyMailbox.Pass) {
        sent += sending.sent
        failed += sending.failed
        replies += reading.messages
        bounced += reading.bounces
        unsubscribed += reading.unsubscribes
    }

    /// The text exposition.
    public func rendered() -> String {
        [
            ("rapport_mail_sent_total", "E-mail jobs the transport accepted.", sent),
            ("rapport_mail_failed_total", "E-mail jobs not sent or refused by the transport.", failed),
            ("rapport_mail_replies_total", "Replies handed to Rapport as inbound messages.", replies),
            ("rapport_mail_bounced_total", "Bounces (delivery status notifications) handed to Rapport.", bounced),
            ("rapport_mail_unsubscribed_total", "Unsubscribe requests handed to Rapport.", unsubscribed),
        ].map { "# HELP \($0.0) \($0.1)\n# TYPE \($0.0) counter\n\($0.0) \($0.2)\n" }.joined()
    }

    /// Writes the metrics to `path` atomically.
    public func write(to path: String) throws {
        try DurableFile.replace(path, with: Data(rendered().utf8), mode: 0o644)
    }
}
