import Foundation
import PostgresNIO
import RapportCore
import RapportStorage
import Synchronization

/// Imports on PostgreSQL (`ImportStore`): one connection holds one transaction from the first
/// chunk to the commit, so an import that fails — a bad line, a lost connection — leaves
/// nothing behind, and each chunk goes to the server as one statement per table.
extension PostgresStore {
    public func importing(at now: Date, _ body: (any ImportSession) async throws -> Bool) async throws(StoreError)
        -> ImportSummary
    {
        do {
            return try await client.withConnection { connection in
                try await connection.run("BEGIN", logger)
                do {
                    // A first import grows the table inside one transaction, beyond what its
                    // statistics know; told the table is small, the planner scanned it whole for
                    // each chunk's debtors (an import that slowed as it went). Every query here
                    // is a lookup by key: the scans are ruled out for this transaction only.
                    try await connection.run("SET LOCAL enable_seqscan = off", logger)
                    let session = PostgresImportSession(
                        connection: connection, server: server, logger: logger, now: now)
                    let keep = try await body(session)
                    try await connection.run(keep ? "COMMIT" : "ROLLBACK", logger)
                    return keep ? session.summary : ImportSummary()
                } catch {
                    if !connection.isClosed { try? await connection.run("ROLLBACK", logger) }
                    throw error
                }
            }
        } catch let error as StoreError {
            throw error
        } catch let error as PSQLError {
            throw StoreError.from(error, server: server)
        } catch is ConnectionLost {
            throw StoreError(
                .unreachable, "database \(server): the connection was lost; the import was undone, run it again")
        } catch {
            throw StoreError(.unusable, "database \(server): the import stopped and was undone: \(error)")
        }
    }

    public func upsert(_ agreements: [Agreement], at now: Date) async throws(StoreError) -> ImportSummary {
        try await importing(at: now) { session in
            let imported = agreements.map(ImportedAgreement.init)
            try await session.upsert(imported, stored: try await session.stored(agreements.map(\.id)))
            return true
        }
    }
}

/// One import in progress on PostgreSQL (see `PostgresStore.importing`).
final class PostgresImportSession: ImportSession, Sendable {
    private let connection: PostgresConnection
    private let server: PostgresLocation
    private let logger: Logger
    private let now: Date
    private let counted = Mutex(ImportSummary())

    init(connection: PostgresConnection, server: PostgresLocation, logger: Logger, now: Date) {
        self.connection = connection
        self.server = server
        self.logger = logger
        self.now = now
    }

    var summary: ImportSummary { counted.withLock { $0 } }

    /// Runs `body`, mapping what the server says to a `StoreError`.
    private func run<T>(_ body: () async throws -> T) async throws(StoreError) -> T {
        do { return try await body() } catch let error as StoreError { throw error } catch {
            let failure = StoreError.from(error, server: server)
            throw StoreError(failure.kind, failure.message + "; the import was undone, run it again")
        }
    }

    /// The first line of each id, kept here rather than in a server table: a row per line on the
    /// server cost a tenth of an import, and the ids of even a large book fit in a few megabytes.
    private let firstLines = Mutex<[String: Int]>([:])

    func earlierLines(_ lines: [(id: Identifier, line: Int)]) async throws(StoreError) -> [Int?] {
        firstLines.withLock { first in
            lines.map { id, line in
                if let earlier = first[id.rawValue], earlier != line { return earlier }
                first[id.rawValue] = line
                return nil
            }
        }
    }

    func stored(_ ids: [Identifier]) async throws(StoreError) -> [Identifier: StoredVersion] {
        try await run {
            var stored: [Identifier: StoredVersion] = [:]
            for try await (id, debtor, data, version, updated) in try await connection.rows(
                """
                SELECT id, debtor_id, data, version, updated_at FROM agreement WHERE id = ANY(\(ids.map(\.rawValue)))
                """, logger: logger
            ).decode((String, String, String, Int, Date).self) {
                guard let id = Identifier(id) else { continue }
                stored[id] = StoredVersion(
                    debtor: Identifier(debtor), data: data, version: version,
                    importedAt: updated.timeIntervalSince1970)
            }
            return stored
        }
    }

    func resetAdjustments(of id: Identifier, reason: String) async throws(StoreError) {
        let data: String
        do { data = try StoredJSON.encode(Adjustment(clearsEarlier: true)) } catch {
            throw StoreError(.unusable, "\(error)")
        }
        try await run {
            try await connection.run(
                """
                INSERT INTO adjustment (agreement_id, at, data, reason)
                VALUES (\(id.rawValue), \(now.sql), \(data), \(reason))
                """, logger)
        }
    }

    /// Inserts the new agreements, keeps each changed one's stored version and replaces it, and
    /// makes every agreement of the debtors touched due: as the SQLite store does, a table at a
    /// time.
    func upsert(_ agreements: [ImportedAgreement], stored: [Identifier: StoredVersion]) async throws(StoreError) {
        var counts = ImportSummary()
        var inserted = NewAgreements()
        var versions = BatchRows("text", "integer", "text", "timestamptz")
        var replaced = BatchRows("text", "text", "text", "integer", "boolean", "text[]")
        var debtors: Set<String> = []
        for imported in agreements {
            let agreement = imported.agreement
            let id = agreement.id.rawValue
            if let existing = stored[agreement.id] {
                if existing.data == imported.data {
                    counts.unchanged += 1
                    continue
                }
                versions.append(
                    .text(id), .integer(Int64(existing.version)), .text(existing.data),
                    .time(Date(timeIntervalSince1970: existing.importedAt)))
                let previous = try? AgreementImport.parse(line: existing.data)
                let rescheduled = previous.map { !$0.hasSameSchedule(as: agreement) } ?? false
                replaced.append(
                    .text(id), .text(agreement.debtor.id.rawValue), .text(imported.data),
                    .integer(Int64(existing.version + 1)), .flag(rescheduled), .list(imported.addressList))
                counts.updated += 1
            } else {
                inserted.append(imported)
                counts.imported += 1
            }
            debtors.insert(agreement.debtor.id.rawValue)
        }
        try await run { try await write(inserted, versions, replaced, debtors: Array(debtors)) }
        counted.withLock {
            $0.imported += counts.imported
            $0.updated += counts.updated
            $0.unchanged += counts.unchanged
        }
    }

    private func write(
        _ inserted: NewAgreements, _ versions: BatchRows, _ replaced: BatchRows, debtors: [String]
    ) async throws {
        let time = CommitBatch.literal(now)
        if !inserted.ids.isEmpty {
            try await connection.run(
                """
                INSERT INTO agreement (id, debtor_id, data, version, next_action_at, created_at, updated_at, revision,
                    addresses)
                SELECT id, debtor_id, data, 1, 'epoch', \(unescaped: time), \(unescaped: time), 1, addresses::text[]
                FROM unnest(\(inserted.ids), \(inserted.debtors), \(inserted.data), \(inserted.addresses))
                    AS v(id, debtor_id, data, addresses)
                """, logger)
        }
        for query in versions.queries({
            "INSERT INTO agreement_version (agreement_id, version, data, imported_at) \($0)"
        }) {
            try await connection.run(query, logger)
        }
        for query in replaced.queries({
            """
            UPDATE agreement SET debtor_id = v.debtor_id, data = v.data, version = v.version,
                next_action_at = 'epoch', updated_at = \(time), revision = revision + 1,
                schedule_changed_at = CASE WHEN v.rescheduled THEN \(time) ELSE schedule_changed_at END,
                addresses = v.addresses
            FROM (\($0)) AS v(id, debtor_id, data, version, rescheduled, addresses) WHERE agreement.id = v.id
            """
        }) {
            try await connection.run(query, logger)
        }
        guard !debtors.isEmpty else { return }
        // The debtor may have moved to these agreements from another: plan all of theirs.
        try await connection.run(
            """
            UPDATE agreement SET next_action_at = 'epoch'
            WHERE debtor_id = ANY(\(debtors)) AND next_action_at IS DISTINCT FROM 'epoch'
            """, logger)
    }
}

/// The agreements a chunk adds, a column at a time: they go to the server as four arrays that
/// `unnest` turns back into rows, one statement whose text does not grow with the chunk (a
/// `VALUES` list of 8,000 parameters cost the server more to parse and bind than to insert).
struct NewAgreements {
    private(set) var ids: [String] = []
    private(set) var debtors: [String] = []
    private(set) var data: [String] = []
    /// Each agreement's `addresses` as an array literal: an array of arrays would be one
    /// two-dimensional array to `unnest`, which flattens it.
    private(set) var addresses: [String] = []

    mutating func append(_ imported: ImportedAgreement) {
        ids.append(imported.agreement.id.rawValue)
        debtors.append(imported.agreement.debtor.id.rawValue)
        data.append(imported.data)
        addresses.append(AddressKey.literal(imported.addressList))
    }
}
