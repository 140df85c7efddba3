import Synchronization

/// The partitions this node holds, each at the epoch it took it with, and until when its own
/// monotonic clock lets it act on them (issue 26).
///
/// The lease service sets it after each renewal; the engine asks `isTrusted` before each batch
/// and each write of files; the PostgreSQL store fences every write transaction with the epochs
/// (`SELECT … FOR SHARE`), so a node paused past its lease, whose clock said it was still
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
    public var held: [Int: Int64] {
        state.withLock { state in
            guard let until = state.trustedUntil, ContinuousClock.now < until else { return [:] }
            return state.held
        }
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
