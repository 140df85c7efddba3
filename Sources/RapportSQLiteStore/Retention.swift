import Foundation
import GRDB

/// R30 for every table: how each one's rows go once they have been kept long enough.
///
/// Most tables record one agreement and go with it: their `agreement_id` cascades (migration
/// v7), so deleting an inactive agreement is one statement. The rest are listed here with the
/// rule that retires them, and `RetentionTests` fails on any table of the schema that is in
/// neither group, so a new table cannot be forgotten.
enum Retention {
    /// Tables deleted with their agreement through `ON DELETE CASCADE` on `agreement_id`.
    static let withAgreement: Set<String> = [
        "agreement_version", "event", "job", "adjustment", "decision", "agreement_address",
    ]
    /// Tables deleted with the row they belong to through a cascading reference.
    static let withParent: [String: String] = ["inbox": "inbound"]
    /// Tables retired by age: the column that dates a row.
    static let byAge: [String: String] = ["inbound": "recorded_at", "tick": "finished_at"]
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
