import ArgumentParser
import RapportCommandLine
import RapportStorage

/// `rapportctl migrate`: creates or upgrades the schema and prints the version it left. On
/// PostgreSQL it is the only command that needs DDL rights; the daemon's role never does. An
/// embedded SQLite file is migrated by whichever command opens it first, so here it is the same
/// as opening it.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the database schema and print its version.",
        discussion: "On PostgreSQL, run it as a role that may create tables, once per upgrade, before the daemon.")

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            let settings = try storage.settings()
            let store = try await StorageOptions.openStore(
                settings: settings, logger: RapportCtl.logger, creating: true, schema: .migrate)
            print("schema version \(try await store.schemaVersion()) (\(store.location))")
            guard let cluster = store as? any ClusterStore else { return }
            let partitions = try await cluster.clusterStatus().partitions
            print("\(partitions) partitions")
            if let wanted = settings.cluster?.partitions, wanted != partitions {
                RapportCtl.logger.warning(
                    "[cluster] partitions = \(wanted) is not used: this database was created with \(partitions)")
            }
        }
    }
}
