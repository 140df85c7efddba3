import ArgumentParser
import Foundation
import Logging
import RapportCommandLine
import RapportConfig
import RapportCore
import RapportEngine

/// The Rapport daemon: plans every due agreement on a timer and writes jobs into the spool.
@main
struct Rapportd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapportd",
        abstract: "Plan respectful repayment reminders and write them into the spool.",
        discussion: """
            Every tick, rapportd plans the agreements whose next action is due, withdraws waiting \
            jobs that no longer fit, and writes new jobs into the spool's new/ folder for the \
            delivery tools. SIGTERM or SIGINT finish the current batch and exit 0.
            """,
        version: rapportVersion)

    /// Runs with the project's error model: every failure, usage errors included, is one line.
    static func main() async { await mainReportingFailures(program: "rapportd") }

    @OptionGroup var storage: StorageOptions

    @Flag(help: "Run one tick, then exit 0.")
    var once = false

    @Option(
        help: ArgumentHelp(
            "With --once: tick as of this instant (RFC 3339) instead of now, to replay a day or compare stores.",
            valueName: "instant"),
        transform: Instant.parse)
    var at: Date?

    func validate() throws {
        if at != nil, !once { throw ValidationError("--at needs --once: the daemon ticks on the real clock") }
    }

    @Flag(help: "Run on an embedded demo portfolio in ./.rapport-demo (from the repository root).")
    var demo = false

    @Option(
        help: ArgumentHelp(
            "This node's name in a cluster, overriding [cluster] node (several nodes may share a host).",
            valueName: "name"))
    var node: String?

    func run() async throws {
        RapportLogging.bootstrap()
        let logger = Logger(label: "rapportd")
        try await reportingFailures(program: "rapportd") {
            if demo {
                try await DemoRun(storage: storage, once: once, logger: logger).run()
                return
            }
            if let cluster = try clusterSettings() {
                try await ClusterNode(storage: storage, cluster: cluster, logger: logger).run(once: once, at: at)
                return
            }
            if once {
                _ = try await storage.openEngine(logger: logger, creating: true).tick(at: at ?? Date())
                return
            }
            let engine = try await openWaitingOutLocks(logger: logger)
            try await TickService.runUntilStopped(
                TickService(engine: engine, storage: storage, logger: logger), logger: logger)
        }
    }
}

extension Rapportd {
    /// `[cluster]` with `--node` applied; nil on a single host (`--node` alone is refused).
    func clusterSettings() throws -> ClusterSettings? {
        let settings = try storage.settings()
        guard var cluster = settings.cluster else {
            if node != nil { throw Failure(.usage, "--node needs a [cluster] section in \(storage.configPath)") }
            return nil
        }
        if let node {
            guard Identifier(node) != nil else {
                throw Failure(.usage, "--node \"\(node)\" is not a valid node name (A-Za-z0-9._:-, at most 64)")
            }
            cluster.node = node
        }
        return cluster
    }

    /// Seconds between attempts to open a database another process keeps locked.
    static let lockedRetrySeconds = 5

    /// Opens the engine; while another writer holds the database (a long import, a backup)
    /// the daemon logs it and tries again instead of exiting, as it does for a tick. Any other
    /// failure — a bad config, a missing folder — ends the start with its exit code.
    func openWaitingOutLocks(logger: Logger) async throws -> Engine {
        while true {
            let failure: Failure
            do { return try await storage.openEngine(logger: logger, creating: true) } catch { failure = error }
            guard failure.isLocked else { throw failure }
            logger.warning("\(failure.message); retrying in \(Self.lockedRetrySeconds) s")
            try await Task.sleep(for: .seconds(Self.lockedRetrySeconds))
        }
    }
}
