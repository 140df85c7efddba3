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
                    try await connection.run(
                        """
                        CREATE TEMP TABLE import_line (id text COLLATE "C" PRIMARY KEY, line integer NOT NULL)
                        ON COMMIT DROP
                        """, logger)
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

    func earlierLines(_ lines: [(id: Identifier, line: Int)]) async throws(StoreError) -> [Int?] {
        guard !lines.isEmpty else { return [] }
        var rows = BatchRows("text", "integer")
        for (id, line) in lines { rows.append(.text(id.rawValue), .integer(Int64(line))) }
        return try await run {
            for query in rows.queries({ "INSERT INTO import_line (id, line) \($0) ON CONFLICT (id) DO NOTHING" }) {
                try await connection.run(query, logger)
            }
            var first: [String: Int] = [:]
            for try await (id, line) in try await connection.rows(
                "SELECT id, line FROM import_line WHERE id = ANY(\(lines.map(\.id.rawValue)))", logger: logger
            ).decode((String, Int).self) {
                first[id] = line
            }
            return lines.map { id, line in first[id.rawValue].flatMap { $0 == line ? nil : $0 } }
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
        var inserted = BatchRows("text", "text", "text")
        var versions = BatchRows("text", "integer", "text", "timestamptz")
        var replaced = BatchRows("text", "text", "text", "integer", "boolean")
        var addresses = BatchRows("text", "text", "text")
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
                    .integer(Int64(existing.version + 1)), .flag(rescheduled))
                counts.updated += 1
            } else {
                inserted.append(.text(id), .text(agreement.debtor.id.rawValue), .text(imported.data))
                counts.imported += 1
            }
            for (channel, address) in imported.addresses {
                addresses.append(.text(id), .text(channel.rawValue), .text(address))
            }
            debtors.insert(agreement.debtor.id.rawValue)
        }
        try await run { try await write(inserted, versions, replaced, addresses, debtors: Array(debtors)) }
        counted.withLock {
            $0.imported += counts.imported
            $0.updated += counts.updated
            $0.unchanged += counts.unchanged
        }
    }

    private func write(
        _ inserted: BatchRows, _ versions: BatchRows, _ replaced: BatchRows, _ addresses: BatchRows, debtors: [String]
    ) async throws {
        let time = CommitBatch.literal(now)
        for query in inserted.queries({
            """
            INSERT INTO agreement (id, debtor_id, data, version, next_action_at, created_at, updated_at, revision)
            SELECT id, debtor_id, data, 1, 'epoch', \(time), \(time), 1 FROM (\($0)) AS v(id, debtor_id, data)
            """
        }) {
            try await connection.run(query, logger)
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
                schedule_changed_at = CASE WHEN v.rescheduled THEN \(time) ELSE schedule_changed_at END
            FROM (\($0)) AS v(id, debtor_id, data, version, rescheduled) WHERE agreement.id = v.id
            """
        }) {
            try await connection.run(query, logger)
        }
        let changed = replaced.rows.compactMap { row -> String? in
            if case .text(let id?) = row.first { return id }
            return nil
        }
        if !changed.isEmpty {
            try await connection.run("DELETE FROM agreement_address WHERE agreement_id = ANY(\(changed))", logger)
        }
        for query in addresses.queries({ "INSERT INTO agreement_address (agreement_id, channel, address) \($0)" }) {
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
