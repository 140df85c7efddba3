import Foundation
import PostgresNIO
import RapportStorage

/// The partition leases (`ClusterStore`), every instant on the server's clock (`now()`): nodes
/// whose clocks disagree by minutes still agree on who holds what.
extension PostgresStore: ClusterStore {
    public func leaseRound(
        node: String, holding: [PartitionFence.Holding], leaseSeconds: Int, taking: Bool, fenceRejections: Int
    ) async throws(StoreError) -> LeaseRound {
        try await transaction { connection in
            let lease = Double(leaseSeconds)
            // A round that waits (a lock, a stalled server) gives up within a third of the lease,
            // so the next one is tried in time and the node learns it is cut off.
            try await connection.run(
                "SET LOCAL statement_timeout = \(unescaped: String(leaseSeconds * 1000 / 3))", logger)
            try await connection.run(
                """
                INSERT INTO node (name, seen_at, fence_rejections) VALUES (\(node), now(), \(fenceRejections))
                ON CONFLICT (name) DO UPDATE
                SET seen_at = now(), fence_rejections = greatest(node.fence_rejections, excluded.fence_rejections)
                """, logger)
            var held = try await Self.renew(node: node, holding: holding, lease: lease, connection, logger)
            let lost = Set(holding.map(\.partition)).subtracting(held.map(\.partition)).sorted()
            let nodes = max(
                1,
                try await connection.scalar(
                    Int.self,
                    "SELECT count(*)::bigint FROM node WHERE seen_at > now() - make_interval(secs => \(lease))",
                    logger) ?? 1)
            let share = (partitionCount + nodes - 1) / nodes
            var handedOver: [Int] = []
            var taken: [Taking] = []
            if held.count > share {
                handedOver = held.map(\.partition).sorted().suffix(held.count - share)
                try await connection.run(
                    """
                    UPDATE partition SET owner = NULL, lease_until = NULL
                    WHERE owner = \(node) AND id = ANY(\(handedOver))
                    """, logger)
                held.removeAll { handedOver.contains($0.partition) }
            } else if held.count < share, taking {
                taken = try await Self.take(
                    share - held.count, node: node, lease: lease, into: &held, connection, logger)
            }
            return LeaseRound(
                held: held.sorted { $0.partition < $1.partition }, taken: taken, handedOver: handedOver, lost: lost,
                nodes: nodes)
        }
    }

    /// Renews the leases `node` holds at the epochs it knows. A partition the database still
    /// shows as this node's at another epoch, or that the node did not know it held (a restart
    /// under the same name), is not renewed: `take` takes it afresh, with a new epoch, so
    /// whatever process held it before is fenced.
    private static func renew(
        node: String, holding: [PartitionFence.Holding], lease: Double, _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> [PartitionFence.Holding] {
        guard !holding.isEmpty else { return [] }
        var renewed: [PartitionFence.Holding] = []
        for try await (id, epoch) in try await connection.rows(
            """
            UPDATE partition p SET lease_until = now() + make_interval(secs => \(lease)), renewed_at = now()
            FROM unnest(\(holding.map(\.partition)), \(holding.map(\.epoch))) AS h(id, epoch)
            WHERE p.id = h.id AND p.owner = \(node) AND p.epoch = h.epoch
            RETURNING p.id, p.epoch
            """, logger: logger
        ).decode((Int, Int64).self) {
            renewed.append(PartitionFence.Holding(partition: id, epoch: epoch))
        }
        return renewed
    }

    /// Takes up to `count` partitions that no live lease covers, lowest first, each with its
    /// epoch bumped; rows another node is taking at the same moment are skipped, not waited for.
    private static func take(
        _ count: Int, node: String, lease: Double, into held: inout [PartitionFence.Holding],
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [Taking] {
        var taken: [Taking] = []
        let known = held.map(\.partition)
        for try await (id, epoch, from, unowned) in try await connection.rows(
            """
            WITH free AS (
                SELECT id, owner, lease_until FROM partition
                WHERE (owner IS NULL OR lease_until IS NULL OR lease_until < now()
                    OR (owner = \(node) AND NOT id = ANY(\(known))))
                ORDER BY id LIMIT \(count) FOR UPDATE SKIP LOCKED
            )
            UPDATE partition p SET owner = \(node), epoch = p.epoch + 1,
                lease_until = now() + make_interval(secs => \(lease)), renewed_at = now()
            FROM free WHERE p.id = free.id
            RETURNING p.id, p.epoch, free.owner, coalesce(extract(epoch FROM now() - free.lease_until), 0)::float8
            """, logger: logger
        ).decode((Int, Int64, String?, Double).self) {
            held.append(PartitionFence.Holding(partition: id, epoch: epoch))
            taken.append(Taking(partition: id, from: from, unownedSeconds: max(0, unowned)))
        }
        let takeovers = taken.filter { $0.from != nil && $0.from != node }.count
        if takeovers > 0 {
            try await connection.run(
                "UPDATE node SET takeovers = takeovers + \(takeovers) WHERE name = \(node)", logger)
        }
        return taken.sorted { $0.partition < $1.partition }
    }

    public func releaseLeases(node: String) async throws(StoreError) -> Int {
        try await transaction { connection in
            let released = try await connection.count(
                "UPDATE partition SET owner = NULL, lease_until = NULL WHERE owner = \(node) RETURNING id", logger)
            // Gone at once: the others' next round counts one node fewer and takes its share.
            try await connection.run("UPDATE node SET seen_at = 'epoch' WHERE name = \(node)", logger)
            return released
        }
    }

    public func recordTick(of node: String, at finished: Date) async throws(StoreError) {
        try await transaction { connection in
            try await connection.run("UPDATE node SET last_tick = \(finished.sql) WHERE name = \(node)", logger)
        }
    }

    public func databaseNow() async throws(StoreError) -> Date {
        try await scalar(Date.self, "SELECT now()") ?? Date()
    }

    public func clusterStatus() async throws(StoreError) -> ClusterStatus {
        try await transaction { connection in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger)
            var nodes: [ClusterStatus.Node] = []
            for try await (name, partitions, age, epoch, lastTick, rejections, takeovers) in try await connection.rows(
                """
                SELECT n.name, count(p.id) FILTER (WHERE p.lease_until > now()),
                    extract(epoch FROM now() - max(p.renewed_at))::float8, max(p.epoch), n.last_tick,
                    n.fence_rejections, n.takeovers
                FROM node n LEFT JOIN partition p ON p.owner = n.name
                WHERE n.seen_at > now() - interval '1 day' OR p.id IS NOT NULL
                GROUP BY n.name, n.last_tick, n.fence_rejections, n.takeovers ORDER BY n.name
                """, logger: logger
            ).decode((String, Int, Double?, Int64?, Date?, Int, Int).self) {
                nodes.append(
                    ClusterStatus.Node(
                        node: name, partitions: partitions, leaseAgeSeconds: partitions > 0 ? age : nil, epoch: epoch,
                        lastTick: lastTick, fenceRejections: rejections, takeovers: takeovers))
            }
            let unowned =
                try await connection.scalar(
                    Int.self, "SELECT count(*)::bigint FROM partition WHERE owner IS NULL OR NOT lease_until > now()",
                    logger) ?? 0
            let partitions = try await connection.scalar(Int.self, "SELECT partitions FROM cluster", logger) ?? 0
            return ClusterStatus(nodes: nodes, unowned: unowned, partitions: partitions)
        }
    }

    /// Refuses the transaction on `connection` unless every partition of `debtors` is still
    /// this node's at the epoch it took it with: the first statement of each write of a tick.
    /// The rows stay share-locked to the commit, so no node can take one in between.
    func fence(debtors: [String], _ connection: PostgresConnection) async throws {
        guard let fence, !debtors.isEmpty else { return }
        try await check(
            fence,
            """
            SELECT id, epoch FROM partition
            WHERE id IN (SELECT DISTINCT rapport_partition(d, \(partitionCount)) FROM unnest(\(debtors)) AS d)
            FOR SHARE
            """, connection)
    }

    /// `fence(debtors:_:)` for the debtors of jobs.
    func fence(jobs: [String], _ connection: PostgresConnection) async throws {
        guard let fence, !jobs.isEmpty else { return }
        try await check(
            fence,
            """
            SELECT id, epoch FROM partition
            WHERE id IN (
                SELECT DISTINCT rapport_partition(debtor_id, \(partitionCount)) FROM job WHERE id = ANY(\(jobs))
            )
            FOR SHARE
            """, connection)
    }

    private func check(_ fence: PartitionFence, _ query: PostgresQuery, _ connection: PostgresConnection) async throws {
        let held = fence.held
        var moved: [Int] = []
        for try await (id, epoch) in try await connection.rows(query, logger: logger).decode((Int, Int64).self)
        where held[id] != epoch {
            moved.append(id)
        }
        guard moved.isEmpty else {
            fence.countRejection()
            throw StoreError(
                .fenced,
                "partition(s) \(moved.sorted().map(String.init).joined(separator: ", ")) are no longer this node's: "
                    + "nothing of the batch was written; their new owner plans them")
        }
    }
}
