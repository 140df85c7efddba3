import Foundation
import Logging
import RapportCommandLine
import RapportConfig
import RapportEngine
import RapportStorage
import ServiceLifecycle

/// `rapportd` as one node of several on one PostgreSQL database (issue 26): the tick service
/// beside the lease service, the store fenced by the partitions the node holds.
struct ClusterNode {
    let storage: StorageOptions
    let cluster: ClusterSettings
    let logger: Logger

    func run(once: Bool, at instant: Date?) async throws {
        var settings = try storage.settings()
        settings.cluster = cluster
        let fence = PartitionFence()
        let store = try await StorageOptions.openStore(
            settings: settings, logger: logger, creating: false, fence: fence,
            applicationName: "rapportd node \(cluster.node)")
        guard let leases = store as? any ClusterStore else {
            throw Failure(
                .config, "[cluster] needs a PostgreSQL [storage] database: nodes share one server, not a file")
        }
        let engine: Engine
        do { engine = try Engine.open(settings: settings, store: store, logger: logger) } catch { throw Failure(error) }
        let service = LeaseService(store: leases, fence: fence, cluster: cluster, logger: logger)
        // A node plans by the database's clock, as its leases run on it: a host whose clock is
        // off plans no earlier and no later than the others (a lost server: its own, once).
        let clock: @Sendable () async -> Date = { (try? await leases.databaseNow()) ?? Date() }
        if once {
            let now: Date
            if let instant { now = instant } else { now = await clock() }
            try await tickOnce(engine, leases: leases, service: service, fence: fence, at: now)
            return
        }
        let (node, cluster) = (cluster.node, cluster)
        let ticks = TickService(
            engine: engine, storage: storage, logger: logger,
            configure: { reloaded in
                // A reload keeps the node it started as: its leases are held under that name.
                var kept = reloaded
                kept.cluster = cluster
                return kept
            },
            afterTick: { report in
                Task { try? await leases.recordTick(of: node, at: report.finishedAt) }
            }, nodeCounters: { service.snapshot }, fence: fence, clock: clock)
        try await TickService.runUntilStopped(ticks, after: [service], logger: logger)
    }

    /// `rapportd --once` as a node: one round announces it, the next takes its share, one tick
    /// plans that share, and the partitions go back.
    private func tickOnce(
        _ engine: Engine, leases: any ClusterStore, service: LeaseService, fence: PartitionFence, at instant: Date
    ) async throws {
        await service.round()
        await service.round()
        // The leases are renewed while the tick runs: a tick longer than a lease would otherwise
        // lose its partitions and be fenced at its commit.
        let report = try await service.renewing { try await fence.operation { try await engine.tick(at: instant) } }
        try? await leases.recordTick(of: cluster.node, at: report.finishedAt)
        _ = try? await leases.releaseLeases(node: cluster.node)
    }
}
