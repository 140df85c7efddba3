import Foundation
import GRDB
import Logging
import RapportCore
import RapportPostgresStore
import RapportSQLiteStore
import RapportStorage
import RapportTestSupport

/// A fresh store of one kind, with a way to look at its tables the store's interfaces do not
/// show (row counts, a column as stored): the fixture of the one suite both stores pass.
struct StoreUnderTest {
    let kind: StoreKind
    let store: any Store
    let folder: TemporaryFolder
    /// The PostgreSQL database of this test, dropped with it.
    let database: TestDatabase?

    init(_ kind: StoreKind) async throws {
        folder = try TemporaryFolder("store")
        self.kind = kind
        switch kind {
        case .sqlite:
            database = nil
            store = try SQLiteStore(path: folder.appending("rapport.sqlite").path)
        case .postgres:
            let database = try TestDatabase()
            self.database = database
            store = try await PostgresStore.open(
                try PostgresLocation(database.url), password: try Self.password(database.passwordFile),
                schema: .migrate, logger: Logger(label: "test"))
        }
    }

    static func password(_ file: String) throws -> String {
        try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The tables that hold no records: each schema's own bookkeeping.
    var bookkeeping: Set<String> {
        // The cluster's tables hold partitions and hosts, nothing about a person.
        kind == .sqlite ? ["grdb_migrations", "sqlite_sequence"] : ["rapport_schema", "cluster", "partition", "node"]
    }

    /// The first column of each row of `sql`, as text (write the query to return text).
    func column(_ sql: String) throws -> [String] {
        switch kind {
        case .sqlite:
            let path = folder.appending("rapport.sqlite").path
            return try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: sql) }
        case .postgres:
            return try database?.psql(sql) ?? []
        }
    }

    /// Every table of the schema with its row count.
    func rowCounts() throws -> [String: Int] {
        let tables = try column(
            kind == .sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                : "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
        var counts: [String: Int] = [:]
        for table in tables {
            counts[table] = try column("SELECT CAST(count(*) AS TEXT) FROM \(table)").first.flatMap { Int($0) }
        }
        return counts
    }
}
