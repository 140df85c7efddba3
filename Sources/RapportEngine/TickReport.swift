import Foundation
import RapportCore

/// What one tick did, for logs, `status` and the demo's summary.
public struct TickReport: Sendable {
    /// A job written in this tick, without its recipient or text.
    public struct Spooled: Sendable {
        public var fileName: String
        public var agreement: Identifier
        public var kind: ContactKind
        public var channel: Channel
        public var localTime: String
        public var timezone: String

        public init(fileName: String, agreement: Identifier, kind: ContactKind, channel: Channel, localTime: String, timezone: String) {
            self.fileName = fileName
            self.agreement = agreement
            self.kind = kind
            self.channel = channel
            self.localTime = localTime
            self.timezone = timezone
        }
    }

    public var startedAt: Date
    public var finishedAt: Date
    /// Agreements planned.
    public var due = 0
    public var spooled: [Spooled] = []
    public var withdrawn = 0
    public var dropped = 0
    public var expired = 0
    /// Outcomes delivery tools reported since the last tick.
    public var delivered = 0
    public var failed = 0
    /// Jobs in `cur/` longer than the claim lease.
    public var staleClaims = 0
    /// Outcome files deleted after the retention.
    public var pruned = 0
    /// Agreements planned in this tick whose contact a rule forbade, by rule id.
    public var blocked: [String: Int] = [:]

    public init(startedAt: Date, finishedAt: Date) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
    /// Interrupted writes finished from the records (a crash between plan and file).
    public var recovered = 0
    /// The earliest next action of any agreement after the tick.
    public var nextActionAt: Date?

    /// One line without personal data: safe for info-level logs.
    public var summary: String {
        "tick \(Timestamp.rfc3339(startedAt)): \(due) planned, \(spooled.count) spooled, \(withdrawn) withdrawn, \(dropped) dropped, \(expired) expired"
            + ", \(delivered) delivered, \(failed) failed" + (staleClaims > 0 ? ", \(staleClaims) stale claims" : "")
            + (recovered > 0 ? ", \(recovered) recovered" : "")
            + ", next \(nextActionAt.map(Timestamp.rfc3339) ?? "when new input arrives")"
            + String(format: " (%.2f s)", finishedAt.timeIntervalSince(startedAt))
    }
}
