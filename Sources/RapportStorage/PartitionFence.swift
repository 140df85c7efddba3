import Synchronization

/// The partitions this node holds, each at the epoch it took it with, and until when its own
/// monotonic clock lets it act on them (issue 26).
///
/// The lease service sets it after each renewal; a tick runs as one `operation`; the PostgreSQL
/// store reads only the held partitions' work and fences every write transaction with the
/// epochs (`SELECT … FOR SHARE`), so a node paused past its lease, whose clock said it was still
/// trusted, commits nothing once another node has taken the partition.
public final class PartitionFence: Sendable {
    /// One held partition.
    public struct Holding: Sendable, Equatable {
        public var partition: Int
        public var epoch: Int64

        public init(partition: Int, epoch: Int64) {
            self.partition = partition
            self.epoch = epoch
        }
    }

    private struct State {
        var held: [Int: Int64] = [:]
        var trustedUntil: ContinuousClock.Instant?
        var rejections = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// What the last successful renewal left this node holding, trusted until `until`.
    public func update(_ held: [Holding], trustedUntil until: ContinuousClock.Instant) {
        state.withLock {
            $0.held = Dictionary(uniqueKeysWithValues: held.map { ($0.partition, $0.epoch) })
            $0.trustedUntil = until
        }
    }

    /// Holds nothing any more: after a hand-over, or when the trust window closed.
    public func clear() {
        state.withLock {
            $0.held = [:]
            $0.trustedUntil = nil
        }
    }

    /// The partitions held and their epochs, when the node may still act on them; else none.
    /// Inside `operation(_:)`, only those held since the operation began at the same epoch: an
    /// operation begun under one epoch must not complete under another, even one this node
    /// took again meanwhile (a pause across losing and retaking a partition).
    public var held: [Int: Int64] {
        let now = state.withLock { state -> [Int: Int64] in
            guard let until = state.trustedUntil, ContinuousClock.now < until else { return [:] }
            return state.held
        }
        guard let began = Self.operationEpochs else { return now }
        return now.filter { began[$0.key] == $0.value }
    }

    /// The epochs held when the running operation (a tick) began.
    @TaskLocal static var operationEpochs: [Int: Int64]?

    /// Runs `body` as one operation: its reads and writes are fenced by the epochs held now.
    public func operation<T>(_ body: () async throws -> T) async rethrows -> T {
        try await Self.$operationEpochs.withValue(held) { try await body() }
    }

    /// Whether the node's own clock still lets it act: a renewal succeeded less than a lease
    /// (less a margin) ago.
    public var isTrusted: Bool {
        state.withLock { state in state.trustedUntil.map { ContinuousClock.now < $0 } ?? false }
    }

    /// Counts a write the store refused because a partition's epoch had moved.
    public func countRejection() { state.withLock { $0.rejections += 1 } }

    /// Fence rejections since the process started.
    public var rejections: Int { state.withLock { $0.rejections } }
}
