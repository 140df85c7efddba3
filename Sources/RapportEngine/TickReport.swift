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

        public init(
            fileName: String, agreement: Identifier, kind: ContactKind, channel: Channel, localTime: String,
            timezone: String
        ) {
            self.fileName = fileName
            self.agreement = agreement
            self.kind = kind
            self.channel = channel
            self.localTime = localTime
            self.timezone = timezone
        }
    }

    /// The jobs a tick wrote: counts for all of them, details for the first thousand, so a
    /// tick of a million agreements does not hold a million descriptions in memory.
    public struct SpooledJobs: Sendable {
        /// How many jobs were written.
        public private(set) var count = 0
        /// How many by channel and kind (the metrics' labels).
        public private(set) var byChannelAndKind: [Channel: [ContactKind: Int]] = [:]
        /// The first jobs written, in order.
        public private(set) var sample: [Spooled] = []
        static let sampleLimit = 1000

        public init() {}

        public var isEmpty: Bool { count == 0 }
        public var first: Spooled? { sample.first }

        public mutating func append(_ job: Spooled) {
            count += 1
            byChannelAndKind[job.channel, default: [:]][job.kind, default: 0] += 1
            if sample.count < Self.sampleLimit { sample.append(job) }
        }
    }

    public var startedAt: Date
    public var finishedAt: Date
    /// Agreements planned.
    public var due = 0
    public var spooled = SpooledJobs()
    public var withdrawn = 0
    public var dropped = 0
    public var expired = 0
    /// Outcomes delivery tools reported since the last tick, by channel: a channel whose
    /// deliveries start failing (a dead SMS gateway, a refused mail relay) shows on its own.
    public var deliveredByChannel: [Channel: Int] = [:]
    public var failedByChannel: [Channel: Int] = [:]
    public var delivered: Int { deliveredByChannel.values.reduce(0, +) }
    public var failed: Int { failedByChannel.values.reduce(0, +) }
    /// Jobs in `cur/` longer than the claim lease.
    public var staleClaims = 0
    /// On a cluster: ready jobs' files this host's mirror wrote, and files it took out of
    /// `new/` (no longer ready) or put back from `cur/` (renamed without a claim).
    public var mirrored = 0
    public var unmirrored = 0
    /// Outcome files deleted after the retention.
    public var pruned = 0
    /// Inbound messages read from `in/` (R31–R35), and files that were not inbound messages.
    public var inbound = 0
    public var inboundBad = 0
    /// Debtors not planned because a stored row of theirs could not be read: each was logged
    /// with the table and row, and stays due, so every tick says so until the row is fixed.
    public var unreadable = 0
    /// Debtors whose records changed between their reading and the commit (an event, an
    /// adjustment, an import): nothing new was committed for them; the next tick plans them.
    public var changedMeanwhile = 0
    /// On a cluster: batches refused by the partition fence (another node took one of their
    /// partitions while they were planned); nothing of them was written.
    public var fencedBatches = 0
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
    /// Where the tick's time went.
    public var phases = Phases()

    /// Seconds spent in each phase of planning, summed over the tick's batches: the profile an
    /// operator (and BENCHMARKS.md) reads to see what limits a tick.
    public struct Phases: Sendable {
        /// Taking in delivery outcomes, expiring and pruning: the part of a tick that follows
        /// the traffic of the spool, not the agreements due. (Files an interrupted tick left
        /// unwritten are written first and count under `write` and `mark`.)
        public var reconcile: Double = 0
        /// Finding due agreements and reading their debtors' records.
        public var read: Double = 0
        /// The pure planner and message rendering.
        public var plan: Double = 0
        /// Recording decisions and planned jobs in one transaction per batch.
        public var record: Double = 0
        /// Writing job files durably.
        public var write: Double = 0
        /// Marking written jobs spooled.
        public var mark: Double = 0

        public init() {}

        /// "reconcile 0.02, read 1.20, plan 3.40, record 0.90, write 2.10, mark 0.30 s"
        public var summary: String {
            String(
                format: "reconcile %.2f, read %.2f, plan %.2f, record %.2f, write %.2f, mark %.2f s", reconcile, read,
                plan, record, write, mark)
        }
    }

    /// One line without personal data: safe for info-level logs.
    public var summary: String {
        "tick \(Timestamp.rfc3339(startedAt)): \(due) planned, \(spooled.count) spooled, \(withdrawn) withdrawn, "
            + "\(dropped) dropped, \(expired) expired"
            + ", \(delivered) delivered, \(failed) failed" + (staleClaims > 0 ? ", \(staleClaims) stale claims" : "")
            + (recovered > 0 ? ", \(recovered) recovered" : "")
            + (mirrored + unmirrored > 0 ? ", \(mirrored) mirrored, \(unmirrored) unmirrored" : "")
            + (fencedBatches > 0 ? ", \(fencedBatches) batch(es) fenced" : "")
            + (unreadable > 0 ? ", \(unreadable) debtor(s) unreadable" : "")
            + (inbound + inboundBad > 0
                ? ", \(inbound) inbound read" + (inboundBad > 0 ? " (\(inboundBad) bad)" : "") : "")
            + ", next \(nextActionAt.map(Timestamp.rfc3339) ?? "when new input arrives")"
            + String(format: " (%.2f s: ", finishedAt.timeIntervalSince(startedAt)) + phases.summary + ")"
    }
}
