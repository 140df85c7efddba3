import Foundation
import NIOCore
import PostgresNIO

/// An instant bound as `timestamptz`, rounded to the nearest microsecond. postgres-nio's own
/// `Date` encoding truncates, so an instant read back and bound again (a batch cursor) could
/// move by a microsecond and a row be read twice or skipped.
struct Timestamp: PostgresNonThrowingEncodable {
    let date: Date

    init(_ date: Date) { self.date = date }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger(Int64((date.timeIntervalSince(Self.postgresEpoch) * 1_000_000).rounded()))
    }

    /// Where PostgreSQL counts its microseconds from.
    private static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)
}

extension Date {
    /// This instant as the store binds it.
    var sql: Timestamp { Timestamp(self) }
}

/// One value of a row sent in a batch.
enum Cell {
    case text(String?)
    case time(Date?)
    case integer(Int64?)
    case flag(Bool?)
    case list([String])

    fileprivate func bind(into bindings: inout PostgresBindings) {
        switch self {
        case .text(let value?): bindings.append(value)
        case .time(let value?): bindings.append(Timestamp(value))
        case .integer(let value?): bindings.append(value)
        case .flag(let value?): bindings.append(value)
        case .list(let values): bindings.append(values)
        case .text(nil), .time(nil), .integer(nil), .flag(nil): bindings.appendNull()
        }
    }
}

/// Rows sent to the server as one multi-row `VALUES` list: how a batch of jobs, decisions or
/// agreements goes out in one statement per table instead of a round trip per row. A list
/// longer than PostgreSQL's 65,535 bound parameters is cut into as few statements as fit.
struct BatchRows {
    /// Each column's SQL type, for the casts that type the `VALUES` list.
    let types: [String]
    private(set) var rows: [[Cell]] = []

    init(_ types: String...) { self.types = types }

    var isEmpty: Bool { rows.isEmpty }

    mutating func append(_ row: Cell...) {
        precondition(row.count == types.count, "a batch row has one cell per column")
        rows.append(row)
    }

    /// The statements that send every row: `sql` is given a `VALUES (…), (…)` list.
    func queries(_ sql: (String) -> String) -> [PostgresQuery] {
        let perStatement = max(1, Int(UInt16.max) / max(types.count, 1))
        return stride(from: 0, to: rows.count, by: perStatement).map { start in
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            var bindings = PostgresBindings(capacity: chunk.count * types.count)
            var tuples: [String] = []
            tuples.reserveCapacity(chunk.count)
            var parameter = 0
            for row in chunk {
                let cells = zip(row, types).map { cell, type in
                    cell.bind(into: &bindings)
                    parameter += 1
                    return "$\(parameter)::\(type)"
                }
                tuples.append("(" + cells.joined(separator: ", ") + ")")
            }
            return PostgresQuery(unsafeSQL: sql("VALUES " + tuples.joined(separator: ", ")), binds: bindings)
        }
    }
}
