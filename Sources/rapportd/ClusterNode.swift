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
        if once {
            // One round announces the node, the next takes its share, one tick plans it, and the
            // partitions go back.
            await service.round()
            await service.round()
            let report = try await engine.tick(at: instant ?? Date())
            try? await leases.recordNode(
                cluster.node, lastTick: report.finishedAt, fenceRejections: fence.rejections,
                takeovers: service.snapshot.takeovers)
            _ = try? await leases.releaseLeases(node: cluster.node)
            return
        }
        let node = cluster.node
        let ticks = TickService(
            engine: engine, storage: storage, logger: logger,
            configure: {
                var kept = $0; kept.cluster = cluster; return kept
            },
            afterTick: { report in
                Task {
                    try? await leases.recordNode(
                        node, lastTick: report.finishedAt, fenceRejections: fence.rejections,
                        takeovers: service.snapshot.takeovers)
                }
            }, nodeCounters: { service.snapshot })
        try await TickService.runUntilStopped(ticks, after: [service], logger: logger)
    }
}
