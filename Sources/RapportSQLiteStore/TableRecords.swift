import Foundation
import GRDB
import RapportCore
import RapportStorage

// GRDB record types for the rows a tick writes and `status`, `explain` and the spool read: each
// type names its table and maps its columns in one place, with `init(row:)` written out rather
// than derived from `Codable`, so a tick pays no reflection. The rows a tick inserts by the
// thousand (decisions, jobs) insert through cached statements; a tick's own row through GRDB.

extension TickRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tick"

    public init(row: Row) {
        self.init(
            startedAt: Date(timeIntervalSince1970: row["started_at"]),
            finishedAt: Date(timeIntervalSince1970: row["finished_at"]),
            due: row["due"], spooled: row["spooled"], withdrawn: row["withdrawn"], dropped: row["dropped"],
            expired: row["expired"],
            nextActionAt: (row["next_action_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    public func encode(to container: inout PersistenceContainer) {
        container["started_at"] = startedAt.timeIntervalSince1970
        container["finished_at"] = finishedAt.timeIntervalSince1970
        container["due"] = due
        container["spooled"] = spooled
        container["withdrawn"] = withdrawn
        container["dropped"] = dropped
        container["expired"] = expired
        container["next_action_at"] = nextActionAt?.timeIntervalSince1970
    }
}

extension DecisionRecord: FetchableRecord, TableRecord {
    public static let databaseTableName = "decision"

    public init(row: Row) throws {
        guard let agreement = Identifier(row["agreement_id"]) else {
            throw StoreError(.unusable, "decision \(row["id"] ?? "?") names no valid agreement")
        }
        let text: String = row["outcome"]
        guard let outcome = RecordedOutcome(rawValue: text) else {
            throw StoreError.unreadable("decision", "\(row["id"] ?? "?")", "outcome \"\(text)\"")
        }
        self.init(
            agreement: agreement, at: Date(timeIntervalSince1970: row["at"]), outcome: outcome,
            jobID: (row["job_id"] as String?).flatMap(JobID.init),
            touchpoint: (row["touchpoint"] as String?).map(TouchpointKey.init(rawValue:)),
            reason: row["reason"])
    }

    /// Inserts the row; with `ignoringDuplicates`, a touchpoint already recorded as dropped is
    /// not recorded again (the `decision_dropped` index). Through a statement compiled once per
    /// connection, not GRDB's `insert`: a tick inserts one for every planned, dropped and marked
    /// job, and the generic insert, which builds its SQL for each row, cost the first tick at
    /// 200,000 agreements seven seconds.
    func insert(_ db: Database, ignoringDuplicates: Bool = false) throws {
        let verb = ignoringDuplicates ? "INSERT OR IGNORE" : "INSERT"
        try db.cachedStatement(
            sql:
                "\(verb) INTO decision (agreement_id, at, outcome, job_id, touchpoint, reason) VALUES (?, ?, ?, ?, ?, "
                + "?)"
        )
        .execute(arguments: [
            agreement.rawValue, at.timeIntervalSince1970, outcome.rawValue, jobID?.rawValue, touchpoint?.rawValue,
            reason,
        ])
    }
}

extension StoredJob: FetchableRecord, TableRecord {
    public static let databaseTableName = "job"

    public init(row: Row) throws {
        let id: String = row["id"]
        guard let jobID = JobID(id), let agreement = Identifier(row["agreement_id"] as String),
            let kind = ContactKind(rawValue: row["kind"]),
            let channel = Channel(rawValue: row["channel"]), let state = JobState(rawValue: row["state"])
        else { throw StoreError.unreadable("job", id, "an id, kind, channel or state this version does not know") }
        self.init(
            id: jobID, touchpoint: TouchpointKey(rawValue: row["touchpoint"]), agreement: agreement, kind: kind,
            channel: channel,
            notBefore: Date(timeIntervalSince1970: row["not_before"]),
            notAfter: Date(timeIntervalSince1970: row["not_after"]),
            fileName: row["file_name"], state: state, review: row["review"], detail: row["detail"],
            data: Data((row["data"] as String).utf8),
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}

/// A new `job` row: a planned contact with its file's exact bytes, as a commit inserts it.
struct PlannedJobRow {
    let agreement: Identifier
    let job: Job
    let contact: PlannedContact
    /// The job file's bytes, kept so a rewrite after a crash is byte for byte the same file.
    let bytes: Data
    let at: Double

    /// Inserts the row as `planned`, through a statement compiled once per connection (see
    /// `DecisionRecord.insert`).
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO job (id, touchpoint, covers, agreement_id, agreements, debtor_id, kind, channel, not_before,
                                 not_after, timezone, recipient, file_name, state, review, data, created_at, updated_at,
                                 statement)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, ?)
                """
        )
        .execute(arguments: [
            job.id.rawValue, contact.touchpoint.rawValue, JSONWriter.strings(contact.covers.map(\.rawValue)),
            agreement.rawValue,
            JSONWriter.strings(job.agreements.map(\.rawValue)), job.debtor.rawValue, job.kind.rawValue,
            job.channel.rawValue, job.notBefore.timeIntervalSince1970, job.notAfter.timeIntervalSince1970,
            job.timezone, job.to, job.fileName, contact.needsReview, String(decoding: bytes, as: UTF8.self), at, at,
            contact.statement?.fingerprint,
        ])
    }
}
