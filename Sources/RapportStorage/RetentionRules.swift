/// R30 for every table, whichever store holds it: how each table's rows go once they have been
/// kept long enough. Both stores have the same tables (but `agreement_address`, which
/// PostgreSQL keeps in the agreement's row), so one list serves both, and the retention test
/// fails on any table of either schema that is in no group: a new table cannot be forgotten.
public enum RetentionRules {
    /// Tables deleted with their agreement through `ON DELETE CASCADE` on `agreement_id`.
    public static let withAgreement: Set<String> = [
        "agreement_version", "event", "job", "adjustment", "decision", "agreement_address",
    ]
    /// Tables deleted with the row they belong to through a cascading reference.
    public static let withParent: [String: String] = ["inbox": "inbound"]
    /// Tables retired by age: the column that dates a row. An inbound message goes once none of
    /// the agreements it concerned remains (one matched to none, likewise), a tick's record by
    /// its age alone.
    public static let byAge: [String: String] = ["inbound": "recorded_at", "tick": "finished_at"]
}
