import Dispatch
import Foundation
import Logging
import RapportConfig
import RapportService
import RapportStorage
import ServiceLifecycle
import Synchronization

/// A cluster node's partition leases (issue 26), as a service of `rapportd`'s `ServiceGroup`.
///
/// Every `renew_seconds` a `DispatchSourceTimer` wakes one lease round: renew what the node
/// holds, hand over what exceeds an even share, take free or expired partitions (not in the
/// first round, which only announces the node, so that nodes started together see each other
/// before any takes more than its share). The database's
/// clock decides who holds what; this node's own monotonic clock decides only when it stops:
/// a round sent at `t` that succeeds lets it act until `t + lease − margin`, so a node whose
/// renewals fail (a lost connection, a pause) stops before any other node may take over. On
/// graceful shutdown every partition is handed back at once, for the others' next round.
final class LeaseService: Service {
    private let store: any ClusterStore
    private let fence: PartitionFence
    private let cluster: ClusterSettings
    private let logger: Logger
    private let timers = DispatchQueue(label: "rapport.leases")
    /// What the last successful round left the node holding (kept when the trust window closes,
    /// so the next round renews at the same epochs if nobody took them).
    private let holding = Mutex<[PartitionFence.Holding]>([])
    private let counters = Mutex(NodeCounters())
    /// Whether a round has announced this node yet (the first takes nothing).
    private let announced = Atomic<Bool>(false)

    init(store: any ClusterStore, fence: PartitionFence, cluster: ClusterSettings, logger: Logger) {
        self.store = store
        self.fence = fence
        self.cluster = cluster
        self.logger = logger
    }

    /// How long before its lease ends on the server a node stops acting on its own clock: a
    /// round's answer may take this long to arrive, and the clocks may run at slightly
    /// different rates.
    var margin: Duration { min(.seconds(2), .seconds(cluster.leaseSeconds) / 5) }

    /// The counters for the metrics file.
    var snapshot: NodeCounters {
        var counters = counters.withLock { $0 }
        counters.fenceRejections = fence.rejections
        return counters
    }

    func run() async throws {
        let (wakes, continuation, timer) = renewalWakes(from: .now())
        defer { timer.cancel() }
        logger.info(
            "node \(cluster.node): leases of \(cluster.leaseSeconds) s, renewed every \(cluster.renewSeconds) s")
        await withGracefulShutdownHandler {
            for await _ in wakes { await round() }
        } onGracefulShutdown: {
            continuation.finish()
        }
        await handBack()
    }

    /// Runs `body` while the leases are renewed every `renew_seconds`, as `run()` renews them:
    /// `rapportd --once`'s tick, which may last longer than a lease, keeps its partitions.
    func renewing<T>(during body: () async throws -> T) async throws -> T {
        let (wakes, _, timer) = renewalWakes(from: .now() + .seconds(cluster.renewSeconds))
        let renewals = Task { for await _ in wakes { await round() } }
        defer {
            timer.cancel()
            renewals.cancel()
        }
        return try await body()
    }

    /// A wake every `renew_seconds` from `start`, from a `DispatchSourceTimer`; at most one
    /// waits, so a slow round is followed by one more, not by a queue of them.
    private func renewalWakes(from start: DispatchTime)
        -> (AsyncStream<Void>, AsyncStream<Void>.Continuation, DispatchSourceTimer)
    {
        let (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let timer = DispatchSource.makeTimerSource(queue: timers)
        timer.schedule(deadline: start, repeating: .seconds(cluster.renewSeconds), leeway: .milliseconds(100))
        timer.setEventHandler { continuation.yield() }
        timer.resume()
        return (wakes, continuation, timer)
    }

    /// One lease round; its outcome goes into the fence and, for each change, one journal line.
    func round() async {
        let sent = ContinuousClock.now
        let holding = self.holding.withLock { $0 }
        do {
            let round = try await store.leaseRound(
                node: cluster.node, holding: holding, leaseSeconds: cluster.leaseSeconds,
                taking: announced.exchange(true, ordering: .relaxed), fenceRejections: fence.rejections)
            self.holding.withLock { $0 = round.held }
            fence.update(round.held, trustedUntil: sent + .seconds(cluster.leaseSeconds) - margin)
            counters.withLock {
                $0.renewals += 1
                $0.partitions = round.held.count
                let takeovers = round.taken.filter { $0.from != nil && $0.from != cluster.node }
                $0.takeovers += takeovers.count
                if let longest = takeovers.map(\.unownedSeconds).max() { $0.lastTakeoverSeconds = longest }
            }
            report(round)
        } catch {
            counters.withLock { $0.renewalFailures += 1 }
            if fence.isTrusted {
                logger.warning("lease round failed: \(error); acting on the partitions held until the lease runs out")
            } else {
                if !holding.isEmpty { logger.error("leases not renewed in time: not acting until renewed (\(error))") }
                fence.clear()
            }
        }
    }

    /// One line per takeover, hand-over and loss.
    private func report(_ round: LeaseRound) {
        for (from, partitions) in Dictionary(grouping: round.taken, by: \.from).sorted(by: {
            ($0.key ?? "") < ($1.key ?? "")
        }) {
            let list = Self.list(partitions.map(\.partition))
            if let from, from != cluster.node {
                let unowned = String(format: "%.1f", partitions.map(\.unownedSeconds).max() ?? 0)
                logger.notice(
                    "takeover: partitions \(list) from node \(from), whose lease had run out \(unowned) s before")
            } else {
                logger.info("took free partitions \(list)")
            }
        }
        if !round.handedOver.isEmpty {
            logger.notice(
                "hand-over: partitions \(Self.list(round.handedOver)) for the other nodes (\(round.nodes) share them)")
        }
        if !round.lost.isEmpty {
            logger.warning("lost partitions \(Self.list(round.lost)): another node took them while this one was away")
        }
    }

    /// Hands every partition back (SIGTERM): the node stops acting first.
    private func handBack() async {
        fence.clear()
        do {
            let released = try await store.releaseLeases(node: cluster.node)
            logger.notice("hand-over: all \(released) partitions handed back on shutdown")
        } catch {
            logger.warning("partitions not handed back (\(error)); the others take them when the leases run out")
        }
    }

    private static func list(_ partitions: [Int]) -> String {
        partitions.sorted().map(String.init).joined(separator: ", ")
    }
}
