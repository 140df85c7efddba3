import Foundation

/// Several `rapportd` nodes on one database (issue 26): partition leases taken, renewed and
/// handed over on the database's clock, never the nodes' own.
public protocol ClusterStore: Sendable {
    /// One round of the lease protocol for `node`, in one transaction: renews what it holds
    /// (each renewal scoped to the partition's owner and epoch: one taken meanwhile is lost,
    /// not renewed), hands over what it holds beyond an even share of the nodes alive, and
    /// takes free or expired partitions up to that share (each taking bumps the epoch).
    /// - Parameters:
    ///   - taking: false for a node's first round, which only announces it: nodes started
    ///     together then see each other before any takes more than its share.
    ///   - fenceRejections: the node's count so far, recorded with its heartbeat.
    func leaseRound(
        node: String, holding: [PartitionFence.Holding], leaseSeconds: Int, taking: Bool, fenceRejections: Int
    ) async throws(StoreError) -> LeaseRound
    /// Hands every partition of `node` back at once (a clean stop), and marks it gone.
    /// - Returns: how many were handed back.
    func releaseLeases(node: String) async throws(StoreError) -> Int
    /// Records when `node` last ticked, for `rapportctl cluster status`.
    func recordTick(of node: String, at finished: Date) async throws(StoreError)
    /// The nodes and partitions as the database sees them now.
    func clusterStatus() async throws(StoreError) -> ClusterStatus
    /// The database's clock: the nodes of a cluster plan by this one, whatever their hosts'
    /// clocks say, as their leases run on it.
    func databaseNow() async throws(StoreError) -> Date
}

/// What one lease round left a node with.
public struct LeaseRound: Sendable {
    /// Every partition the node holds now, at its epoch.
    public var held: [PartitionFence.Holding]
    /// Partitions taken this round.
    public var taken: [Taking]
    /// Partitions handed over this round for another node to take.
    public var handedOver: [Int]
    /// Partitions the node thought it held but another node had taken.
    public var lost: [Int]
    /// How many nodes share the partitions, this one included.
    public var nodes: Int

    public init(
        held: [PartitionFence.Holding], taken: [Taking], handedOver: [Int], lost: [Int],
        nodes: Int
    ) {
        self.held = held
        self.taken = taken
        self.handedOver = handedOver
        self.lost = lost
        self.nodes = nodes
    }
}

/// One partition taken in a lease round.
public struct Taking: Sendable, Equatable {
    public var partition: Int
    /// The node whose lease had run out; nil for a partition handed over or never held.
    public var from: String?
    /// How long the partition had been without a live lease when it was taken.
    public var unownedSeconds: Double

    public init(partition: Int, from: String?, unownedSeconds: Double) {
        self.partition = partition
        self.from = from
        self.unownedSeconds = unownedSeconds
    }
}

/// `rapportctl cluster status`: the contract's JSON, field for field.
public struct ClusterStatus: Sendable, Codable, Equatable {
    public struct Node: Sendable, Codable, Equatable {
        public var node: String
        public var partitions: Int
        /// Seconds since the node last renewed its leases; nil when it holds none.
        public var leaseAgeSeconds: Double?
        /// The highest epoch among its partitions.
        public var epoch: Int64?
        public var lastTick: Date?
        public var fenceRejections: Int
        public var takeovers: Int

        enum CodingKeys: String, CodingKey {
            case node, partitions, epoch
            case leaseAgeSeconds = "lease_age_s"
            case lastTick = "last_tick"
            case fenceRejections = "fence_rejections"
            case takeovers
        }

        public init(
            node: String, partitions: Int, leaseAgeSeconds: Double?, epoch: Int64?, lastTick: Date?,
            fenceRejections: Int, takeovers: Int
        ) {
            self.node = node
            self.partitions = partitions
            self.leaseAgeSeconds = leaseAgeSeconds
            self.epoch = epoch
            self.lastTick = lastTick
            self.fenceRejections = fenceRejections
            self.takeovers = takeovers
        }
    }

    public var nodes: [Node]
    /// Partitions no live lease covers.
    public var unowned: Int
    /// How many partitions there are.
    public var partitions: Int

    public init(nodes: [Node], unowned: Int, partitions: Int) {
        self.nodes = nodes
        self.unowned = unowned
        self.partitions = partitions
    }
}
