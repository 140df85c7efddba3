import Foundation
import GRDB
import RapportTestSupport

extension Sandbox {
    /// The integer `sql` returns (a count) from the sandbox's records, on whichever store holds
    /// them: what a test checks that the programs' output does not show.
    func integer(_ sql: String) throws -> Int {
        if let server {
            return try server.psql(sql).first.flatMap { Int($0) } ?? -1
        }
        return try DatabaseQueue(path: database).read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }
}

extension Sandbox {
    /// Runs `sql` on the sandbox's records, as another process would write them.
    func execute(_ sql: String) throws {
        if let server {
            try server.psql(sql)
            return
        }
        try DatabaseQueue(path: database).write { db in try db.execute(sql: sql) }
    }

    /// The two text columns of each row of `sql`, on whichever store holds the records.
    func pairs(_ sql: String) throws -> [(String, String)] {
        if let server {
            return try server.psql(sql).map { line in
                let fields = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(fields.first ?? ""), fields.count > 1 ? String(fields[1]) : "")
            }
        }
        return try DatabaseQueue(path: database).read { db in
            try Row.fetchAll(db, sql: sql).map { ($0[0] as String, $0[1] as String) }
        }
    }

    /// What the store's own consistency check says is wrong: SQLite's `integrity_check`; the
    /// server keeps its own (its constraints are checked on every write).
    func integrityProblems() throws -> [String] {
        guard server == nil else { return [] }
        let integrity = try DatabaseQueue(path: database).read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check")
        }
        return integrity == ["ok"] ? [] : ["integrity_check: \(integrity.joined(separator: "; "))"]
    }
}
