import Foundation
import Logging
import NIOSSL
import PostgresNIO
import RapportCore
import RapportStorage

/// Rapport's records in a PostgreSQL database, through postgres-nio's `PostgresClient` and its
/// pool: the same tables, rules and answers as the SQLite store, for a lender whose records
/// live on the server its operations team already runs, replicates and backs up.
///
/// Each role method is one transaction on a connection of the pool (`transaction`). A batch's
/// rows go to the server as one statement per table (`BatchRows`), never a round trip per row. Writes to one debtor are
/// ordered by the rows of that debtor's agreements: every write that moves a debtor's revision
/// updates one of those rows, and a tick's commit locks them (`FOR UPDATE`) before comparing.
public final class PostgresStore: Store {
    /// The server and database, never the password.
    public let server: PostgresLocation
    public var location: String { server.description }
    let client: PostgresClient
    let logger: Logger
    /// The pool's own task: `PostgresClient.run()` for as long as the store is open.
    private let running: Task<Void, Never>
    /// A cluster node's partitions: when set, a tick reads only their due agreements and every
    /// write of a tick is fenced by their epochs (issue 26).
    let fence: PartitionFence?
    /// How many partitions the debtors are spread over (`cluster`), read when opened as a node.
    let partitionCount: Int

    /// What opening does with the schema.
    public enum SchemaUse: Sendable {
        /// Every command but `migrate`: a schema missing, older or newer is refused (exit 78).
        case require
        /// `rapportctl migrate`: create or upgrade it, the one use that needs DDL rights.
        case migrate
    }

    private init(
        server: PostgresLocation, configuration: PostgresClient.Configuration, fence: PartitionFence?,
        partitionCount: Int, logger: Logger
    ) {
        self.server = server
        self.logger = logger
        self.fence = fence
        self.partitionCount = partitionCount
        // The pool's own chatter (a lease asked for before its task first ran, a connection it
        // retries) stays below the program's lines; what fails reaches them as a `StoreError`.
        var background = logger
        background.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.client = client
        running = Task { await client.run() }
    }

    deinit { running.cancel() }

    /// Connects to `server`, waiting up to `connectWait` seconds for one that is down, and
    /// checks (or, with `.migrate`, brings up to date) its schema.
    /// - Parameters:
    ///   - partitions: how many partitions `migrate` spreads a new database's debtors over.
    ///   - fence: a cluster node's partitions, which its tick reads and writes are limited to.
    ///   - applicationName: how the server lists the store's connections (`pg_stat_activity`).
    /// - Throws: `.unreachable` for a server that does not answer in time (69),
    ///   `.permissionDenied` for a refused password or role (77), `.configuration` for a
    ///   schema this program cannot use as it is (78).
    public static func open(
        _ server: PostgresLocation, password: String?, connectWait: TimeInterval = 0, schema: SchemaUse = .require,
        partitions: Int = 256, fence: PartitionFence? = nil, applicationName: String = "rapport", logger: Logger
    ) async throws(StoreError) -> PostgresStore {
        let connector = PostgresConnector(server: server, password: password, logger: logger)
        let connection = try await connector.connect(waiting: connectWait)
        let partitionCount: Int
        do {
            switch schema {
            case .require: try await PostgresSchema.require(on: connection, server: server)
            case .migrate:
                try await PostgresSchema.migrate(on: connection, server: server, partitions: partitions, logger: logger)
            }
            partitionCount = try await PostgresSchema.partitions(on: connection, server: server)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        var configuration = try connector.clientConfiguration()
        configuration.options.maximumConnections = 8
        // What `pg_stat_activity` shows: which program, and which node of a cluster.
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return PostgresStore(
            server: server, configuration: configuration, fence: fence, partitionCount: partitionCount, logger: logger)
    }

    /// The schema version this database is at: what `rapportctl migrate` prints.
    public func schemaVersion() async throws(StoreError) -> Int {
        try await transaction { connection in try await PostgresSchema.version(on: connection) ?? 0 }
    }

    /// Runs `body` in one transaction on a connection of the pool; any error rolls it back and
    /// is mapped to a `StoreError` an operator can act on.
    ///
    /// `BEGIN`, `COMMIT` and `ROLLBACK` go through `rows` like every statement (postgres-nio's
    /// `withTransaction` sends its `ROLLBACK` unguarded, and after a lost connection that one can
    /// wait for ever); no `ROLLBACK` is sent on a connection that is gone: the server has
    /// already rolled the transaction back.
    func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws(StoreError)
        -> T
    {
        do {
            return try await client.withConnection { connection in try await connection.transaction(logger, body) }
        } catch {
            throw StoreError.from(error, server: server)
        }
    }
}

extension PostgresConnection {
    /// `body` between `BEGIN` and `COMMIT`, rolled back when it throws (see `PostgresStore.transaction`).
    func transaction<T: Sendable>(_ logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T)
        async throws -> T
    {
        try await run("BEGIN", logger)
        do {
            let result = try await body(self)
            try await run("COMMIT", logger)
            return result
        } catch {
            if !isClosed { try? await run("ROLLBACK", logger) }
            throw error
        }
    }

    /// Runs `query` for its effect.
    func run(_ query: PostgresQuery, _ logger: Logger) async throws {
        _ = try await rows(query, logger: logger).collect()
    }

    /// How many rows `query` changed, from its command tag.
    func count(_ query: PostgresQuery, _ logger: Logger) async throws -> Int {
        var count = 0
        for try await _ in try await rows(query, logger: logger) { count += 1 }
        return count
    }

    /// The first column of the first row; nil for no row or NULL.
    func scalar<T: PostgresDecodable & Sendable>(_ type: T.Type, _ query: PostgresQuery, _ logger: Logger) async throws
        -> T?
    where T._DecodableType == T {
        for try await value in try await rows(query, logger: logger).decode(T?.self) { return value }
        return nil
    }
}

extension AsyncSequence {
    /// Every element, in order: a small result read whole.
    func all() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
