import Foundation
import GRDB
import RapportCore

/// An agreement ready to store: validated, and written in its stored form (`canonicalJSON`).
/// The importer makes these on every core; only the SQLite writes are left for the session.
public struct ImportedAgreement: Sendable {
    /// The validated agreement.
    public let agreement: Agreement
    /// The stored form.
    let data: String
    /// Its rows of the address index (R34).
    let addresses: [(channel: Channel, address: String)]

    /// Writes `agreement`'s stored form and address rows: the part of storing it that needs no
    /// database.
    public init(_ agreement: Agreement) {
        self.agreement = agreement
        self.data = agreement.canonicalJSON
        self.addresses = AddressIndex.rows(of: agreement)
    }
}

/// What the store holds of an agreement before an import touches it.
public struct StoredVersion: Sendable {
    /// The debtor it belongs to now.
    public let debtor: Identifier?
    let data: String
    let version: Int
    /// When this version was imported (unix seconds).
    let importedAt: Double
}

/// One import in progress, inside its transaction (see `Store.importing`).
///
/// An import works a chunk of lines at a time: `stored(_:)` reads what is stored for the whole
/// chunk in one query, the importer checks each line against it, and `upsert(_:stored:)` writes
/// the chunk. Lines naming the same agreement twice are refused (`firstLine`), so a chunk never
/// changes what it read.
public final class ImportSession {
    private let db: Database
    private let now: Date
    /// What the upserts so far did.
    public private(set) var summary = ImportSummary()

    init(db: Database, now: Date) {
        self.db = db
        self.now = now
    }

    /// Remembers that `id` is on `line` of the file; returns the earlier line when the id was
    /// already there. Kept in a temporary table, not in memory, however large the file.
    public func firstLine(of id: Identifier, line: Int) throws -> Int? {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO import_line (id, line) VALUES (?, ?)").execute(arguments: [
            id.rawValue, line,
        ])
        guard db.changesCount == 0 else { return nil }
        return try Int.fetchOne(
            db.cachedStatement(sql: "SELECT line FROM import_line WHERE id = ?"), arguments: [id.rawValue])
    }

    /// The stored version of each of `ids` that is already stored.
    public func stored(_ ids: [Identifier]) throws -> [Identifier: StoredVersion] {
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
    public func resetAdjustments(of id: Identifier, reason: String) throws {
        try db.execute(
            sql: "INSERT INTO adjustment (agreement_id, at, data, reason) VALUES (?, ?, ?, ?)",
            arguments: [
                id.rawValue, now.timeIntervalSince1970, try Coding.encode(Adjustment(clearsEarlier: true)), reason,
            ])
    }

    /// Inserts or updates agreements, reading what is stored of them first.
    public func upsert(_ agreements: [Agreement]) throws {
        try upsert(agreements.map(ImportedAgreement.init), stored: stored(agreements.map(\.id)))
    }

    /// Inserts or updates agreements, given what `stored(_:)` read of them; a changed one keeps
    /// the version it replaces in `agreement_version` and becomes due for planning at once,
    /// with every agreement of its debtor.
    public func upsert(_ agreements: [ImportedAgreement], stored: [Identifier: StoredVersion]) throws {
        let time = now.timeIntervalSince1970
        var debtors: Set<Identifier> = []
        for imported in agreements {
            let agreement = imported.agreement
            if let existing = stored[agreement.id] {
                if existing.data == imported.data {
                    summary.unchanged += 1
                    continue
                }
                try replace(existing, with: imported, at: time)
                summary.updated += 1
            } else {
                try db.cachedStatement(
                    sql:
                        "INSERT INTO agreement (id, debtor_id, data, version, next_action_at, created_at, updated_at) "
                        + "VALUES (?, ?, ?, 1, 0, ?, ?)"
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
    }

    /// Keeps `existing` as a superseded version and stores `imported` as the next one.
    private func replace(_ existing: StoredVersion, with imported: ImportedAgreement, at time: Double) throws {
        let id = imported.agreement.id.rawValue
        try db.cachedStatement(
            sql: "INSERT INTO agreement_version (agreement_id, version, data, imported_at) VALUES (?, ?, ?, ?)"
        )
        .execute(arguments: [id, existing.version, existing.data, existing.importedAt])
        try db.cachedStatement(
            sql:
                "UPDATE agreement SET debtor_id = ?, data = ?, version = ?, next_action_at = 0, updated_at = ? "
                + "WHERE id = ?"
        )
        .execute(arguments: [imported.agreement.debtor.id.rawValue, imported.data, existing.version + 1, time, id])
        try AddressIndex.remove(imported.agreement.id, db)
    }
}
