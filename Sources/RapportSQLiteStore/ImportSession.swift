import Foundation
import GRDB
import RapportCore
import RapportStorage
import Synchronization

/// One import in progress on SQLite (see `SQLiteStore.importing`): its own connection holds
/// the write transaction from the first chunk to the commit, so the importer can await
/// between chunks while nothing else writes in between.
///
/// Lines naming the same agreement twice are refused (`earlierLines`), so a chunk never
/// changes what it read.
final class SQLiteImportSession: ImportSession, Sendable {
    private let connection: DatabaseQueue
    private let path: String
    private let now: Date
    private let counted = Mutex(ImportSummary())

    init(connection: DatabaseQueue, path: String, now: Date) {
        self.connection = connection
        self.path = path
        self.now = now
    }

    var summary: ImportSummary { counted.withLock { $0 } }

    /// Runs `body` inside the import's transaction.
    func run<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await connection.writeWithoutTransaction(body) } catch {
            throw StoreError.from(error, path: path)
        }
    }

    func earlierLines(_ lines: [(id: Identifier, line: Int)]) async throws(StoreError) -> [Int?] {
        try await run { db in try lines.map { try Self.firstLine(of: $0.id, line: $0.line, db) } }
    }

    /// Remembers that `id` is on `line` of the file; returns the earlier line when the id was
    /// already there. Kept in a temporary table, not in memory, however large the file.
    private static func firstLine(of id: Identifier, line: Int, _ db: Database) throws -> Int? {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO import_line (id, line) VALUES (?, ?)").execute(arguments: [
            id.rawValue, line,
        ])
        guard db.changesCount == 0 else { return nil }
        return try Int.fetchOne(
            db.cachedStatement(sql: "SELECT line FROM import_line WHERE id = ?"), arguments: [id.rawValue])
    }

    /// The stored version of each of `ids` that is already stored.
    func stored(_ ids: [Identifier]) async throws(StoreError) -> [Identifier: StoredVersion] {
        try await run { db in try Self.stored(ids, db) }
    }

    private static func stored(_ ids: [Identifier], _ db: Database) throws -> [Identifier: StoredVersion] {
        var stored: [Identifier: StoredVersion] = [:]
        for chunk in ids.chunked(500) {
            let rows = try Row.fetchCursor(
                db,
                sql:
                    "SELECT id, debtor_id, data, version, updated_at FROM agreement WHERE id IN "
                    + "(\(databaseQuestionMarks(count: chunk.count)))",
                arguments: StatementArguments(chunk.map(\.rawValue)))
            while let row = try rows.next() {
                guard let id = Identifier(row["id"]) else { continue }
                stored[id] = StoredVersion(
                    debtor: Identifier(row["debtor_id"]), data: row["data"], version: row["version"],
                    importedAt: row["updated_at"])
            }
        }
        return stored
    }

    /// Records that `id` moved to another person: the operator's adjustments were that
    /// person's wishes, so they are cleared (kept in the records, no longer in force).
    func resetAdjustments(of id: Identifier, reason: String) async throws(StoreError) {
        let now = now
        try await run { db in
            try db.execute(
                sql: "INSERT INTO adjustment (agreement_id, at, data, reason) VALUES (?, ?, ?, ?)",
                arguments: [
                    id.rawValue, now.timeIntervalSince1970, try StoredJSON.encode(Adjustment(clearsEarlier: true)),
                    reason,
                ])
        }
    }

    /// Inserts or updates agreements, given what `stored(_:)` read of them; a changed one keeps
    /// the version it replaces in `agreement_version` and becomes due for planning at once,
    /// with every agreement of its debtor. A new or changed agreement moves its debtor's
    /// revision, so a plan made before it is not committed.
    func upsert(_ agreements: [ImportedAgreement], stored: [Identifier: StoredVersion]) async throws(StoreError) {
        let time = now.timeIntervalSince1970
        let counts = try await run { db in try Self.upsert(agreements, stored: stored, at: time, db) }
        counted.withLock {
            $0.imported += counts.imported
            $0.updated += counts.updated
            $0.unchanged += counts.unchanged
        }
    }

    private static func upsert(
        _ agreements: [ImportedAgreement], stored: [Identifier: StoredVersion], at time: Double, _ db: Database
    ) throws -> ImportSummary {
        var summary = ImportSummary()
        var debtors: Set<Identifier> = []
        for imported in agreements {
            let agreement = imported.agreement
            if let existing = stored[agreement.id] {
                if existing.data == imported.data {
                    summary.unchanged += 1
                    continue
                }
                try replace(existing, with: imported, at: time, db)
                summary.updated += 1
            } else {
                try db.cachedStatement(
                    sql:
                        "INSERT INTO agreement (id, debtor_id, data, version, next_action_at, created_at, updated_at, "
                        + "revision) VALUES (?, ?, ?, 1, 0, ?, ?, 1)"
                )
                .execute(arguments: [agreement.id.rawValue, agreement.debtor.id.rawValue, imported.data, time, time])
                summary.imported += 1
            }
            try AddressIndex.add(agreement.id, imported.addresses, db)
            debtors.insert(agreement.debtor.id)
        }
        // The debtor may have moved to these agreements from another: plan all of theirs.
        for chunk in Array(debtors).chunked(500) {
            try db.execute(
                sql:
                    "UPDATE agreement SET next_action_at = 0 WHERE debtor_id IN "
                    + "(\(databaseQuestionMarks(count: chunk.count))) AND next_action_at IS NOT 0",
                arguments: StatementArguments(chunk.map(\.rawValue)))
        }
        return summary
    }

    /// Keeps `existing` as a superseded version and stores `imported` as the next one.
    private static func replace(
        _ existing: StoredVersion, with imported: ImportedAgreement, at time: Double, _ db: Database
    ) throws {
        let id = imported.agreement.id.rawValue
        try db.cachedStatement(
            sql: "INSERT INTO agreement_version (agreement_id, version, data, imported_at) VALUES (?, ?, ?, ?)"
        )
        .execute(arguments: [id, existing.version, existing.data, existing.importedAt])
        let previous = try? AgreementImport.parse(line: existing.data)
        let rescheduled = previous.map { !$0.hasSameSchedule(as: imported.agreement) } ?? false
        try db.cachedStatement(
            sql:
                "UPDATE agreement SET debtor_id = ?, data = ?, version = ?, next_action_at = 0, updated_at = ?, "
                + "revision = revision + 1, schedule_changed_at = CASE WHEN ? THEN ? ELSE schedule_changed_at END "
                + "WHERE id = ?"
        )
        .execute(arguments: [
            imported.agreement.debtor.id.rawValue, imported.data, existing.version + 1, time, rescheduled, time, id,
        ])
        try AddressIndex.remove(imported.agreement.id, db)
    }
}
