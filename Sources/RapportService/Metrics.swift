import Foundation
import RapportCore
import RapportEngine
import RapportStorage
import RapportSpool

/// Rapport's metrics in the Prometheus text format, written after each tick to a file that
/// node_exporter's textfile collector reads. Counters count since the daemon started, as
/// Prometheus counters do; gauges describe the last tick and the spool now.
public struct Metrics: Sendable {
    /// Jobs spooled, by channel and kind.
    var spooled: [String: [String: Int]] = [:]
    /// Agreements held back, by the rule that blocked them.
    var suppressed: [String: Int] = [:]
    var withdrawn = 0
    var expired = 0
    /// Outcomes the delivery tools reported, by channel (every channel written, 0 included, so a
    /// rate over it exists from the first scrape).
    var delivered: [Channel: Int] = [:]
    var failed: [Channel: Int] = [:]
    var dropped = 0
    var ticks = 0
    var lastTickSeconds = 0.0
    var lastTickAt: Date?
    var lastDue = 0
    var staleClaims = 0
    /// Jobs waiting or in flight, per spool folder.
    var depth: [String: Int] = [:]
    /// Inbound messages ever received, by `kind/outcome` (from the records, so they survive a
    /// restart), and what waits in the inbox for a person (R31–R35).
    var inbound: [String: Int] = [:]
    var inboxOpen = 0
    /// When the oldest open inbox item arrived.
    var inboxOldest: Date?
    /// Bytes still free on the spool's file system, when it could be read.
    var spoolAvailableBytes: UInt64?
    /// The configured tick interval: "no tick for three intervals" needs it beside the last tick.
    public var tickIntervalSeconds = 0
    /// When this process started: a restart (systemd's watchdog, a crash) moves it.
    public var startedAt = Date()
    /// Batches the schema's R8 backstop refused: each a bug that the planner and the fence
    /// let through, and that the database stopped.
    public var backstopRefusals = 0
    /// A cluster node's leases (issue 26); nil on a single host, which writes none of them.
    public var node: NodeCounters?

    public init() {}

    /// Adds one tick's report.
    public mutating func record(
        _ report: TickReport, suppressed blocked: [String: Int], depth: [String: Int],
        inbound: InboundCounts = InboundCounts(), spoolAvailableBytes: UInt64? = nil
    ) {
        self.inbound = inbound.byOutcome
        inboxOpen = inbound.inboxOpen
        inboxOldest = inbound.oldestOpen
        self.spoolAvailableBytes = spoolAvailableBytes
        for (channel, kinds) in report.spooled.byChannelAndKind {
            for (kind, count) in kinds { spooled[channel.rawValue, default: [:]][kind.rawValue, default: 0] += count }
        }
        for (rule, count) in blocked { suppressed[rule, default: 0] += count }
        withdrawn += report.withdrawn
        expired += report.expired
        for (channel, count) in report.deliveredByChannel { delivered[channel, default: 0] += count }
        for (channel, count) in report.failedByChannel { failed[channel, default: 0] += count }
        dropped += report.dropped
        ticks += 1
        lastTickSeconds = report.finishedAt.timeIntervalSince(report.startedAt)
        lastTickAt = report.finishedAt
        lastDue = report.due
        staleClaims = report.staleClaims
        self.depth = depth
    }

    /// The Prometheus text exposition of the metrics.
    public func rendered() -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        family(
            "rapport_jobs_spooled_total", "counter", "Jobs written to the spool, by channel and kind.",
            spooled.sorted { $0.key < $1.key }.flatMap { channel, kinds in
                kinds.sorted { $0.key < $1.key }.map {
                    ("{channel=\"\(channel)\",kind=\"\($0.key)\"}", String($0.value))
                }
            })
        family(
            "rapport_agreements_suppressed_total", "counter", "Plans that found contact forbidden, by rule.",
            suppressed.sorted { $0.key < $1.key }.map { ("{rule=\"\($0.key)\"}", String($0.value)) })
        family("rapport_jobs_withdrawn_total", "counter", "Waiting jobs taken back (R18).", [("", String(withdrawn))])
        family("rapport_jobs_expired_total", "counter", "Jobs never claimed before not_after.", [("", String(expired))])
        family(
            "rapport_jobs_delivered_total", "counter", "Deliveries reported by delivery tools, by channel.",
            Channel.allCases.map { ("{channel=\"\($0.rawValue)\"}", String(delivered[$0] ?? 0)) })
        family(
            "rapport_jobs_failed_total", "counter", "Failed deliveries reported by delivery tools, by channel.",
            Channel.allCases.map { ("{channel=\"\($0.rawValue)\"}", String(failed[$0] ?? 0)) })
        family(
            "rapport_touchpoints_dropped_total", "counter", "Stale touchpoints dropped (R29).", [("", String(dropped))])
        family("rapport_ticks_total", "counter", "Ticks run.", [("", String(ticks))])
        family(
            "rapport_tick_duration_seconds", "gauge", "How long the last tick took.",
            [("", String(format: "%.6f", lastTickSeconds))])
        family("rapport_agreements_due", "gauge", "Agreements planned in the last tick.", [("", String(lastDue))])
        family(
            "rapport_claims_stale", "gauge", "Jobs in cur/ longer than the claim lease.", [("", String(staleClaims))])
        family(
            "rapport_spool_jobs", "gauge", "Jobs waiting or in flight, per spool folder.",
            depth.sorted { $0.key < $1.key }.map { ("{state=\"\($0.key)\"}", String($0.value)) })
        family(
            "rapport_inbound_messages_total", "counter", "Inbound messages received, by kind and outcome (R31-R35).",
            inbound.sorted { $0.key < $1.key }.map { key, count in
                let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                return ("{kind=\"\(parts[0])\",outcome=\"\(parts.count > 1 ? parts[1] : "")\"}", String(count))
            })
        family("rapport_inbox_open", "gauge", "Inbound messages waiting for a person (R34).", [("", String(inboxOpen))])
        family(
            "rapport_inbox_oldest_age_seconds", "gauge",
            "How long the oldest open inbox item had waited at the last tick (0 when none waits).",
            [
                (
                    "",
                    String(
                        format: "%.0f", max(0, inboxOldest.map { (lastTickAt ?? Date()).timeIntervalSince($0) } ?? 0))
                )
            ])
        if let spoolAvailableBytes {
            family(
                "rapport_spool_available_bytes", "gauge", "Bytes still free for the spool on its file system.",
                [("", String(spoolAvailableBytes))])
        }
        family(
            "rapport_tick_interval_seconds", "gauge", "The configured time between ticks.",
            [("", String(tickIntervalSeconds))])
        family(
            "rapport_start_time_seconds", "gauge", "When this rapportd process started (Unix time).",
            [("", String(format: "%.3f", startedAt.timeIntervalSince1970))])
        family(
            "rapport_backstop_refusals_total", "counter",
            "Batches the schema's R8 backstop refused (nothing written; a bug to report).",
            [("", String(backstopRefusals))])
        family(
            "rapport_last_tick_timestamp_seconds", "gauge", "When the last tick finished (Unix time).",
            [("", String(format: "%.3f", lastTickAt?.timeIntervalSince1970 ?? 0))])
        if let node {
            family(
                "rapport_cluster_partitions", "gauge", "Partitions this node holds now.", [("", "\(node.partitions)")])
            family(
                "rapport_cluster_lease_renewals_total", "counter", "Lease rounds that succeeded.",
                [("", "\(node.renewals)")])
            family(
                "rapport_cluster_lease_renewal_failures_total", "counter", "Lease rounds that failed.",
                [("", "\(node.renewalFailures)")])
            family(
                "rapport_cluster_fence_rejections_total", "counter",
                "Writes refused because a partition's epoch had moved.", [("", "\(node.fenceRejections)")])
            family(
                "rapport_cluster_takeovers_total", "counter", "Partitions taken from a node whose lease ran out.",
                [("", "\(node.takeovers)")])
            family(
                "rapport_cluster_last_takeover_unowned_seconds", "gauge",
                "How long the partitions of the last takeover had been without a live lease.",
                [("", String(format: "%.3f", node.lastTakeoverSeconds))])
        }
        return out
    }

    /// Writes the metrics to `path` atomically, so the collector never reads half a file.
    public func write(to path: String) throws {
        try DurableFile.replace(path, with: Data(rendered().utf8), mode: 0o644)
    }
}

/// What a cluster node's leases did since it started.
public struct NodeCounters: Sendable, Equatable {
    public var partitions = 0
    public var renewals = 0
    public var renewalFailures = 0
    public var fenceRejections = 0
    public var takeovers = 0
    public var lastTakeoverSeconds = 0.0

    public init() {}
}
