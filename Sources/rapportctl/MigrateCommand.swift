import ArgumentParser
import RapportCommandLine

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
            let store = try await StorageOptions.openStore(
                settings: try storage.settings(), logger: RapportCtl.logger, creating: true, schema: .migrate)
            print("schema version \(try await store.schemaVersion()) (\(store.location))")
        }
    }
}
