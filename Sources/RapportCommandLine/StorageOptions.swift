import ArgumentParser
import Foundation
import Logging
import RapportConfig
import RapportEngine
import RapportPostgresStore
import RapportSQLiteStore
import RapportStorage
import RapportSpool

/// The options both programs take to find their config, database and spool.
public struct StorageOptions: ParsableArguments, Sendable {
    @Option(
        help: ArgumentHelp("The config file (else $RAPPORT_CONFIG, else /etc/rapport/rapport.toml).", valueName: "path")
    )
    public var config: String?

    @Option(
        help: ArgumentHelp(
            "The SQLite file or postgres:// URL, overriding [storage] database.", valueName: "path-or-url"))
    public var database: String?

    @Option(help: ArgumentHelp("The spool directory, overriding [storage] spool.", valueName: "dir"))
    public var spool: String?

    @Option(
        help: ArgumentHelp(
            "The file holding the PostgreSQL password, overriding [storage] password_file.", valueName: "path"))
    public var passwordFile: String?

    public init() {}

    /// The config file to read: `--config`, else `$RAPPORT_CONFIG`, else the system one.
    public var configPath: String { Self.configPath(config) }

    /// The config file a program reads: `explicit` (its `--config`), else `$RAPPORT_CONFIG`,
    /// else the system one.
    public static func configPath(_ explicit: String?) -> String {
        explicit ?? ProcessInfo.processInfo.environment["RAPPORT_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "/etc/rapport/rapport.toml"
    }

    /// The settings from the config file with the command line's overrides applied.
    public func settings() throws(Failure) -> Settings {
        var settings: Settings
        do { settings = try ConfigLoader.load(path: configPath) } catch { throw Failure(.config, error.message) }
        return applyingOverrides(to: settings)
    }

    /// `settings` with `--database` and `--spool` applied (relative to the working directory).
    public func applyingOverrides(to settings: Settings) -> Settings {
        var settings = settings
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : URL(fileURLWithPath: cwd).appendingPathComponent(path).standardizedFileURL.path
        }
        if let database {
            settings.storage.database = PostgresLocation.isURL(database) ? database : absolute(database)
        }
        if let spool { settings.storage.spool = absolute(spool) }
        if let passwordFile { settings.storage.passwordFile = absolute(passwordFile) }
        return settings
    }

    /// The spool alone, for what delivery tools run (claim, ack, ls, stats): they belong to the
    /// spool's group and need neither the database nor the templates. With `--spool` no config
    /// file is needed either.
    public func spoolOnly() throws(Failure) -> (spool: Spool, settings: Settings?) {
        if spool != nil, config == nil, !FileManager.default.isReadableFile(atPath: configPath) {
            let settings = applyingOverrides(to: Settings(templatesDirectory: ""))
            return (Spool(root: settings.storage.spool), nil)
        }
        let settings = try settings()
        let root = settings.storage.spool
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: "\(root)/new", isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw Failure(.ioError, "spool \(root) has no new/ folder; is rapportd running with this spool?")
        }
        return (Spool(root: root), settings)
    }

    /// Opens the store `[storage] database` names and the engine over it. The one place a
    /// program chooses a store: the engine and the commands see only its interfaces.
    /// - Parameter creating: whether a missing SQLite database may be created: only an import
    ///   and the daemon do; every other verb refuses a path that does not exist (exit 66).
    public func openEngine(logger: Logger, creating: Bool = false) async throws(Failure) -> Engine {
        try await Self.openEngine(settings: try settings(), logger: logger, creating: creating)
    }

    /// Opens the store `settings` name and the engine over it.
    public static func openEngine(settings: Settings, logger: Logger, creating: Bool) async throws(Failure) -> Engine {
        let store = try await openStore(settings: settings, logger: logger, creating: creating)
        do { return try Engine.open(settings: settings, store: store, logger: logger) } catch {
            throw Failure(error)
        }
    }

    /// The store `[storage] database` names: a SQLite file (migrated as it opens), or a
    /// PostgreSQL server whose schema must be current (`rapportctl migrate` makes it so, with
    /// `schema: .migrate`).
    /// - Parameters:
    ///   - fence: a cluster node's partitions, which limit what its store reads and writes for a
    ///     tick (PostgreSQL only: `[cluster]` on a SQLite file is refused).
    ///   - applicationName: how a PostgreSQL server lists the connections.
    public static func openStore(
        settings: Settings, logger: Logger, creating: Bool, schema: PostgresStore.SchemaUse = .require,
        fence: PartitionFence? = nil, applicationName: String = "rapport"
    ) async throws(Failure) -> any Store {
        let storage = settings.storage
        do throws(StoreError) {
            guard PostgresLocation.isURL(storage.database) else {
                if fence != nil {
                    throw StoreError(
                        .configuration,
                        "\(settings.sourcePath ?? "config"): [cluster] needs a PostgreSQL [storage] database "
                            + "(postgres://…): nodes share one server, not a file")
                }
                return try SQLiteStore(
                    path: storage.database, busyTimeout: storage.busyTimeoutSeconds, create: creating)
            }
            let password = try Self.databasePassword(storage.passwordFile)
            return try await PostgresStore.open(
                try PostgresLocation(storage.database), password: password, connectWait: storage.connectWaitSeconds,
                schema: schema, partitions: settings.cluster?.partitions ?? 256, fence: fence,
                applicationName: applicationName, logger: logger)
        } catch {
            throw Failure(.store(error))
        }
    }
}

extension StorageOptions {
    /// The password for a server, from `[storage] password_file`, else from the systemd
    /// credential `db-password`, else none (a socket with peer authentication).
    static func databasePassword(_ file: String?) throws(StoreError) -> String? {
        do throws(SecretFile.Problem) {
            return try SecretFile.read(
                file, credential: "db-password", environment: ProcessInfo.processInfo.environment)
        } catch {
            switch error {
            case .unreadable(let path):
                throw StoreError(
                    .permissionDenied,
                    "cannot read the database password file \(path): check that it exists and its mode")
            case .empty(let path):
                throw StoreError(.configuration, "the database password file \(path) is empty")
            }
        }
    }
}

/// Logging for both programs: lines on standard error at `$RAPPORT_LOG_LEVEL` (default
/// `info`), with syslog priorities for journald when `$JOURNAL_STREAM` is set. Nothing
/// personal (numbers, addresses, message text) is logged at info or above.
public enum RapportLogging {
    /// Bootstraps swift-log once per process.
    public static func bootstrap() {
        let environment = ProcessInfo.processInfo.environment
        let level = environment["RAPPORT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let journal = environment["JOURNAL_STREAM"].map { !$0.isEmpty } ?? false
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level, journal: journal) }
    }
}
