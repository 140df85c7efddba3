import Foundation
import GRDB
import RapportCore

// GRDB record types for the rows a tick writes and `status`, `explain` and the spool read: each
// type names its table and maps its columns in one place, with `init(row:)` and
// `encode(to:)` written out rather than derived from `Codable`, so a tick pays no reflection.

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

extension DecisionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "decision"

    public init(row: Row) throws {
        guard let agreement = Identifier(row["agreement_id"]) else {
            throw StoreError(.unusable, "decision \(row["id"] ?? "?") names no valid agreement")
        }
        self.init(
            agreement: agreement, at: Date(timeIntervalSince1970: row["at"]), outcome: row["outcome"],
            jobID: row["job_id"], touchpoint: (row["touchpoint"] as String?).map(TouchpointKey.init(rawValue:)),
            reason: row["reason"])
    }

    public func encode(to container: inout PersistenceContainer) {
        container["agreement_id"] = agreement.rawValue
        container["at"] = at.timeIntervalSince1970
        container["outcome"] = outcome
        container["job_id"] = jobID
        container["touchpoint"] = touchpoint?.rawValue
        container["reason"] = reason
    }
}

extension StoredJob: FetchableRecord, TableRecord {
    public static let databaseTableName = "job"

    public init(row: Row) throws {
        let id: String = row["id"]
        guard let agreement = Identifier(row["agreement_id"] as String), let kind = ContactKind(rawValue: row["kind"]),
            let channel = Channel(rawValue: row["channel"]), let state = JobState(rawValue: row["state"])
        else { throw StoreError(.unusable, "job \(id) has a kind, channel or state this version does not know") }
        self.init(
            id: id, touchpoint: TouchpointKey(rawValue: row["touchpoint"]), agreement: agreement, kind: kind,
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
struct PlannedJobRow: PersistableRecord {
    static let databaseTableName = "job"

    let agreement: Identifier
    let job: Job
    let contact: PlannedContact
    /// The job file's bytes, kept so a rewrite after a crash is byte for byte the same file.
    let bytes: Data
    let at: Double

    func encode(to container: inout PersistenceContainer) {
        container["id"] = job.id
        container["touchpoint"] = contact.touchpoint.rawValue
        container["covers"] = JSONWriter.strings(contact.covers.map(\.rawValue))
        container["agreement_id"] = agreement.rawValue
        container["agreements"] = JSONWriter.strings(job.agreements.map(\.rawValue))
        container["debtor_id"] = job.debtor.rawValue
        container["kind"] = job.kind.rawValue
        container["channel"] = job.channel.rawValue
        container["not_before"] = job.notBefore.timeIntervalSince1970
        container["not_after"] = job.notAfter.timeIntervalSince1970
        container["timezone"] = job.timezone
        container["recipient"] = job.to
        container["file_name"] = job.fileName
        container["state"] = JobState.planned.rawValue
        container["review"] = contact.needsReview
        container["data"] = String(decoding: bytes, as: UTF8.self)
        container["created_at"] = at
        container["updated_at"] = at
        container["statement"] = contact.statement?.fingerprint
    }
}
