import Foundation
import GRDB
import RapportCore
import RapportTestSupport
import Testing
@testable import RapportSQLiteStore
import RapportStorage

/// The store on real SQLite files in a temporary folder.
@Suite("Store")
struct StoreTests {
    let folder: TemporaryFolder
    let store: SQLiteStore
    let now = Date(timeIntervalSince1970: 1_796_000_000)

    init() throws {
        folder = try TemporaryFolder("store")
        store = try SQLiteStore(path: folder.appending("rapport.sqlite").path)
    }

    func agreement(_ id: String, debtor: String = "D-1", amount: String = "50.00") -> Agreement {
        Agreement(
            id: Identifier(id)!, debtor: Debtor(id: Identifier(debtor)!, name: "Sam"), timezone: "America/Chicago",
            contacts: [.email: "sam@example.org"],
            installments: [Installment(id: Identifier("1")!, due: LocalDate("2026-12-10")!, amount: Money(amount)!)])
    }

    @Test("Migration v6 drops the copy of each current version that earlier imports wrote")
    func versionsMigration() async throws {
        let path = folder.appending("v5.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v5")
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO agreement (id, debtor_id, data, version, next_action_at, created_at, updated_at)
                    VALUES ('A-1', 'D-1', ?, 2, 0, 0, 0)
                    """, arguments: [agreement("A-1", amount: "60.00").canonicalJSON])
            for version in [1, 2] {
                try db.execute(
                    sql:
                        """
                        INSERT INTO agreement_version (agreement_id, version, data, imported_at) VALUES ('A-1', ?, ?, 0)
                        """,
                    arguments: [version, agreement("A-1", amount: version == 1 ? "50.00" : "60.00").canonicalJSON])
            }
        }
        try Schema.migrator.migrate(queue)
        let kept = try await queue.read { try Int.fetchAll($0, sql: "SELECT version FROM agreement_version") }
        #expect(kept == [1])
    }

    @Test("Due agreements are read a batch at a time along the (next_action_at, id) index: no scan, no sort")
    func indexedQuery() async throws {
        // The store's own SQL, not a copy of it.
        let queries = [
            (DueQuery.first, [0, 10] as StatementArguments),
            (DueQuery.after, [0, 0, "A-1", 10] as StatementArguments),
        ]
        for (sql, arguments) in queries {
            let plan = try await DatabaseQueue(path: store.path).read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map {
                    $0["detail"] as String
                }.joined(separator: "; ")
            }
            #expect(plan.contains("agreement_due"), "query plan: \(plan)")
            #expect(!plan.contains("SCAN agreement"), "query plan: \(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "query plan: \(plan)")
        }
    }

    @Test("A missing database folder is one clear error, not a crash")
    func missingFolder() {
        #expect {
            _ = try SQLiteStore(path: "/nonexistent-\(UUID().uuidString)/rapport.sqlite")
        } throws: { error in
            (error as? StoreError)?.kind == .missingFolder && "\(error)".contains("does not exist")
        }
    }

    @Test("A database a newer Rapport migrated is refused, naming both schema versions")
    func newerSchema() async throws {
        try await DatabaseQueue(path: store.path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        }
        #expect {
            _ = try SQLiteStore(path: store.path)
        } throws: { error in
            let error = try #require(error as? StoreError)
            return error.kind == .configuration
                && error.message.contains("schema version 10, newer than this program's 9")
        }
        #expect(try await store.schemaVersion() == 10)
    }

    @Test("A file that is not a database is refused with a clear message")
    func notADatabase() async throws {
        let path = folder.appending("junk.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            (error as? StoreError)?.kind == .unusable
        }
    }

}

extension StoreTests {
    @Test("R30: every table is retired by a rule: with its agreement, with its parent, or by age")
    func everyTableHasARetentionRule() async throws {
        try await DatabaseQueue(path: store.path).read { db in
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                let keys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(\(table))")
                func cascades(from parent: String) -> Bool {
                    keys.contains { $0["table"] == parent && $0["on_delete"] == "CASCADE" }
                }
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
                if RetentionRules.withAgreement.contains(table) {
                    #expect(cascades(from: "agreement"), "\(table)")
                } else if let parent = RetentionRules.withParent[table] {
                    #expect(cascades(from: parent), "\(table)")
                } else if let column = RetentionRules.byAge[table] {
                    #expect(columns.contains(column), "\(table).\(column)")
                } else {
                    #expect(
                        table == "agreement" || Retention.bookkeeping.contains(table),
                        "\(table) has no retention rule (R30): add it to Retention")
                }
            }
        }
    }
}
