import Foundation
import GRDB

/// R30 on SQLite: the rules are `RetentionRules`, shared with every store; this is how the
/// tables retired by age are emptied here, and which tables are the schema's own bookkeeping.
enum Retention {
    /// Tables that hold no records: the schema's own bookkeeping.
    static let bookkeeping: Set<String> = ["grdb_migrations", "sqlite_sequence"]

    /// Deletes what is older than `cutoff` and belongs to no agreement still kept: an inbound
    /// message (a debtor's address and their words) once none of the agreements it concerned
    /// remains — a message matched to no agreement at all likewise — with its inbox entries
    /// (they cascade), and the record of each tick.
    static func deleteByAge(before cutoff: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM inbound WHERE recorded_at < ?
                  AND NOT EXISTS (SELECT 1 FROM json_each(inbound.agreements) j JOIN agreement a ON a.id = j.value)
                """,
            arguments: [cutoff.timeIntervalSince1970])
        try db.execute(sql: "DELETE FROM tick WHERE finished_at < ?", arguments: [cutoff.timeIntervalSince1970])
    }
}
