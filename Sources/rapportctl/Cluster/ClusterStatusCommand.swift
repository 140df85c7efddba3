import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportStorage

/// `rapportctl cluster status [--json]`: the nodes, the partitions each holds, how long ago
/// each renewed its leases, its highest epoch, its last tick, and the partitions nobody holds —
/// as the database sees them now.
struct ClusterStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the nodes, their partitions and leases, and what nobody holds.")

    @OptionGroup var storage: StorageOptions

    @Flag(help: "Print the contract's JSON object instead of a table.")
    var json = false

    func run() async throws {
        try await command {
            let store = try await StorageOptions.openStore(
                settings: try storage.settings(), logger: RapportCtl.logger, creating: false)
            guard let cluster = store as? any ClusterStore else {
                throw Failure(.config, "cluster status needs a PostgreSQL database; \(store.location) is a file")
            }
            let status = try await cluster.clusterStatus()
            if json {
                print(String(decoding: try JSONEncoder.sorted.encode(ClusterStatusJSON(status)), as: UTF8.self))
                return
            }
            print(render(status), terminator: "")
        }
    }

    private func render(_ status: ClusterStatus) -> String {
        let rows = status.nodes.map { node in
            [
                node.node, "\(node.partitions)", node.leaseAgeSeconds.map { String(format: "%.1f s", $0) } ?? "-",
                node.epoch.map(String.init) ?? "-", node.lastTick.map(Timestamp.rfc3339) ?? "-",
                "\(node.fenceRejections)", "\(node.takeovers)",
            ]
        }
        let table =
            rows.isEmpty
            ? "no node seen in the last day\n"
            : TextTable.render(
                header: ["NODE", "PARTITIONS", "LEASE AGE", "EPOCH", "LAST TICK", "FENCE REJECTIONS", "TAKEOVERS"],
                rows: rows)
        return table + "unowned: \(status.unowned) of \(status.partitions) partitions\n"
    }
}

/// The contract's `cluster status --json` object: every key present, null where a node holds
/// nothing.
struct ClusterStatusJSON: Encodable {
    struct Node: Encodable {
        let status: ClusterStatus.Node

        enum Keys: String, CodingKey {
            case node, partitions, epoch, takeovers
            case leaseAge = "lease_age_s"
            case lastTick = "last_tick"
            case fenceRejections = "fence_rejections"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(status.node, forKey: .node)
            try container.encode(status.partitions, forKey: .partitions)
            try container.encode(status.leaseAgeSeconds.map { ($0 * 10).rounded() / 10 }, forKey: .leaseAge)
            try container.encode(status.epoch, forKey: .epoch)
            try container.encode(status.lastTick.map(Timestamp.rfc3339), forKey: .lastTick)
            try container.encode(status.fenceRejections, forKey: .fenceRejections)
            try container.encode(status.takeovers, forKey: .takeovers)
        }
    }

    let nodes: [Node]
    let unowned: Int
    let partitions: Int

    init(_ status: ClusterStatus) {
        nodes = status.nodes.map(Node.init)
        unowned = status.unowned
        partitions = status.partitions
    }
}

extension JSONEncoder {
    /// Keys sorted, slashes as they are: output that diffs well.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
