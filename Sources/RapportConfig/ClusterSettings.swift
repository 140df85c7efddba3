import Foundation
import RapportCore
internal import TOMLKit

/// `[cluster]`: several `rapportd` nodes on one PostgreSQL database (issue 26). Present only
/// when the section is: a single host needs none of it.
public struct ClusterSettings: Sendable, Equatable {
    /// This node's name in the partition table: the host name unless set (`rapportd --node`
    /// overrides both, so several nodes can share a host, each with its own spool).
    public var node: String
    /// How many partitions the debtors are spread over; only the first `rapportctl migrate`
    /// reads it, as moving a debtor to another partition would need every node stopped.
    public var partitions = 256
    /// How long a lease lasts on the database's clock.
    public var leaseSeconds = 15
    /// How often a node renews its leases and takes or hands over partitions.
    public var renewSeconds = 5
    /// How long before a job's `not_before` its file appears in the owning node's spool.
    public var mirrorHorizon: [Channel: Duration] = [
        .sms: .seconds(15 * 60), .email: .seconds(15 * 60), .voice: .seconds(15 * 60), .letter: .seconds(3 * 86_400),
    ]

    public init(node: String = ClusterSettings.hostName) { self.node = node }

    /// The host's name, the default node name.
    public static var hostName: String { ProcessInfo.processInfo.hostName }
}

extension Reader {
    /// Reads `[cluster]` and its `[cluster.mirror]` horizons.
    func cluster(_ table: TOMLTable) throws(ConfigError) -> ClusterSettings {
        try onlyKeys(table, ["node", "partitions", "lease_seconds", "renew_seconds", "mirror"], in: "cluster")
        var cluster = ClusterSettings()
        if let node = try string(table, "node", in: "cluster") {
            guard Identifier(node) != nil else {
                throw error("cluster", "node", "\"\(node)\" is not a valid node name (A-Za-z0-9._:-, at most 64)")
            }
            cluster.node = node
        }
        cluster.partitions = try integer(table, "partitions", in: "cluster", range: 1...4096) ?? cluster.partitions
        cluster.leaseSeconds =
            try integer(table, "lease_seconds", in: "cluster", range: 3...600) ?? cluster.leaseSeconds
        cluster.renewSeconds =
            try integer(table, "renew_seconds", in: "cluster", range: 1...200) ?? cluster.renewSeconds
        guard cluster.renewSeconds * 2 < cluster.leaseSeconds else {
            throw error(
                "cluster", "renew_seconds",
                "must be less than half of lease_seconds (\(cluster.leaseSeconds)): a lease outlives a missed renewal")
        }
        if let mirror = try section(table, "mirror", in: "cluster") {
            try onlyKeys(mirror, Channel.allCases.map(\.rawValue), in: "cluster.mirror")
            for channel in Channel.allCases {
                guard let text = try string(mirror, channel.rawValue, in: "cluster.mirror") else { continue }
                guard let horizon = Self.duration(text) else {
                    throw error(
                        "cluster.mirror", channel.rawValue, "\"\(text)\" is not a duration such as \"15m\" or \"3d\"")
                }
                cluster.mirrorHorizon[channel] = horizon
            }
        }
        return cluster
    }

    /// `"90s"`, `"15m"`, `"2h"` or `"3d"`: a whole number and its unit.
    static func duration(_ text: String) -> Duration? {
        guard let unit = text.last, let count = Int(text.dropLast()), count >= 0, count <= 366 * 86_400 else {
            return nil
        }
        let seconds: Int? =
            switch unit {
            case "s": count
            case "m": count * 60
            case "h": count * 3600
            case "d": count * 86_400
            default: nil
            }
        return seconds.map { .seconds($0) }
    }
}
