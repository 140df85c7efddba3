import Foundation
import PostgresNIO
import RapportCore
import RapportSQLiteStore
import RapportStorage

/// R30 for every table, and the private copy `simulate` runs on, on PostgreSQL.
extension PostgresStore {
    /// Deletes every record of the agreements inactive since `cutoff` (their tables cascade),
    /// then what belongs to no agreement kept and is older: as the SQLite store does.
    public func deleteRecords(inactiveSince cutoff: Date) async throws(StoreError) -> Int {
        try await transaction { connection in
            let deleted = try await connection.count(
                """
                DELETE FROM agreement a
                WHERE a.updated_at < \(cutoff.sql)
                  AND NOT EXISTS (SELECT 1 FROM event e WHERE e.agreement_id = a.id
                                  AND (e.at >= \(cutoff.sql) OR e.recorded_at >= \(cutoff.sql)))
                  AND NOT EXISTS (SELECT 1 FROM job j WHERE j.agreement_id = a.id
                                  AND (j.updated_at >= \(cutoff.sql) OR j.not_after >= \(cutoff.sql)))
                  AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.agreement_id = a.id AND d.at >= \(cutoff.sql))
                  AND NOT EXISTS (SELECT 1 FROM adjustment x WHERE x.agreement_id = a.id AND x.at >= \(cutoff.sql))
                RETURNING a.id
                """, logger)
            try await connection.run(
                """
                DELETE FROM inbound WHERE recorded_at < \(cutoff.sql)
                  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(inbound.agreements::jsonb) AS j(id)
                                  JOIN agreement a ON a.id = j.id)
                """, logger)
            try await connection.run("DELETE FROM tick WHERE finished_at < \(cutoff.sql)", logger)
            return deleted
        }
    }

    /// Copies every record, from one consistent snapshot of the server, into a new embedded
    /// SQLite store in `folder`, opened as a throwaway: `simulate` writes only there, never to
    /// the shared server.
    public func snapshot(into folder: String) async throws(StoreError) -> any Store {
        let copy = try SQLiteStore(path: (folder as NSString).appendingPathComponent("rapport.sqlite"), durable: false)
        try await transaction { connection in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger)
            for table in CopiedTable.all {
                try await table.copy(from: connection, into: copy, logger)
            }
        }
        return copy
    }
}

/// A table as both stores hold it: its columns, each with how it travels (`CopiedValue`).
struct CopiedTable {
    enum Column {
        case text(String), integer(String), time(String), flag(String)

        var name: String {
            switch self {
            case .text(let name), .integer(let name), .time(let name), .flag(let name): name
            }
        }

        /// The column as selected: instants as unix seconds, flags as 0 or 1.
        var selected: String {
            switch self {
            case .text(let name): name
            case .integer(let name): "\(name)::bigint"
            case .time(let name): "extract(epoch FROM \(name))::float8"
            case .flag(let name): "\(name)::int::bigint"
            }
        }

        func value(_ cell: PostgresCell) throws -> CopiedValue {
            switch self {
            case .text: try cell.decode(String?.self).map(CopiedValue.text) ?? .null
            case .integer, .flag: try cell.decode(Int64?.self).map(CopiedValue.integer) ?? .null
            case .time: try cell.decode(Double?.self).map(CopiedValue.real) ?? .null
            }
        }
    }

    let name: String
    let columns: [Column]
    let order: String
    /// Where the rows come from when the server keeps them otherwise than as a table of that name.
    var source: String?

    /// Parents before children, so every reference holds as rows arrive.
    static let all: [CopiedTable] = [
        CopiedTable(
            name: "agreement",
            columns: [
                .text("id"), .text("debtor_id"), .text("data"), .integer("version"), .time("next_action_at"),
                .text("outcome"), .text("summary"), .time("planned_at"), .time("created_at"), .time("updated_at"),
                .integer("revision"), .time("schedule_changed_at"),
            ], order: "id"),
        CopiedTable(
            name: "agreement_version",
            columns: [.text("agreement_id"), .integer("version"), .text("data"), .time("imported_at")],
            order: "agreement_id, version"),
        CopiedTable(
            name: "event",
            columns: [
                .integer("id"), .text("agreement_id"), .text("type"), .time("at"), .text("data"), .text("identity"),
                .time("recorded_at"),
            ], order: "id"),
        CopiedTable(
            name: "job",
            columns: [
                .text("id"), .text("touchpoint"), .text("covers"), .text("agreement_id"), .text("agreements"),
                .text("debtor_id"), .text("kind"), .text("channel"), .time("not_before"), .time("not_after"),
                .text("timezone"), .text("recipient"), .text("file_name"), .text("state"), .flag("review"),
                .text("detail"), .text("data"), .time("created_at"), .time("updated_at"), .text("statement"),
            ], order: "id"),
        CopiedTable(
            name: "adjustment",
            columns: [.integer("id"), .text("agreement_id"), .time("at"), .text("data"), .text("reason")], order: "id"),
        CopiedTable(
            name: "decision",
            columns: [
                .integer("id"), .text("agreement_id"), .time("at"), .text("outcome"), .text("job_id"),
                .text("touchpoint"), .text("reason"),
            ], order: "id"),
        CopiedTable(
            name: "tick",
            columns: [
                .integer("id"), .time("started_at"), .time("finished_at"), .integer("due"), .integer("spooled"),
                .integer("withdrawn"), .integer("dropped"), .integer("expired"), .time("next_action_at"),
            ], order: "id"),
        CopiedTable(
            name: "inbound",
            columns: [
                .integer("id"), .text("identity"), .text("channel"), .text("kind"), .text("address"),
                .time("received_at"), .text("text"), .text("in_reply_to"), .text("provider_id"), .text("outcome"),
                .text("agreements"), .time("recorded_at"),
            ], order: "id"),
        CopiedTable(
            name: "inbox",
            columns: [
                .integer("id"), .integer("inbound_id"), .text("why"), .text("state"), .text("action"), .text("reason"),
                .time("done_at"),
            ], order: "id"),
        CopiedTable(
            name: "agreement_address", columns: [.text("agreement_id"), .text("channel"), .text("address")],
            order: "agreement_id, channel",
            source: """
                (SELECT id AS agreement_id, split_part(element, ':', 1) AS channel,
                    substr(element, strpos(element, ':') + 1) AS address
                FROM agreement, unnest(addresses) AS element) AS agreement_address
                """),
    ]

    /// Streams the table's rows from the server into `copy`, a few thousand at a time.
    func copy(from connection: PostgresConnection, into copy: SQLiteStore, _ logger: Logger) async throws {
        let sql = "SELECT \(columns.map(\.selected).joined(separator: ", ")) FROM \(source ?? name) ORDER BY \(order)"
        var rows: [[CopiedValue]] = []
        for try await row in try await connection.rows(PostgresQuery(unsafeSQL: sql), logger: logger) {
            rows.append(try zip(columns, row).map { column, cell in try column.value(cell) })
            if rows.count == 5000 {
                try await copy.insertCopied(into: name, columns: columns.map(\.name), rows: rows)
                rows.removeAll(keepingCapacity: true)
            }
        }
        try await copy.insertCopied(into: name, columns: columns.map(\.name), rows: rows)
    }
}
