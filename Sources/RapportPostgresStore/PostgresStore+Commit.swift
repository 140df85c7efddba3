import Foundation
import PostgresNIO
import RapportCore
import RapportStorage

/// A tick's writes on PostgreSQL: a batch's decisions, jobs and next actions in one statement
/// per table.
extension PostgresStore {
    /// Commits one batch, in the SQLite store's order and with its rules (see `PlanningStore`):
    /// the debtors' agreement rows are locked and their revisions compared first; then every
    /// row is built here, and sent as one statement per table.
    @discardableResult
    public func commit(_ records: [PlanRecord], at now: Date) async throws(StoreError) -> CommitResult {
        guard !records.isEmpty else { return CommitResult() }
        return try await transaction { connection in
            let debtors = Array(Set(records.compactMap(\.debtor).map(\.rawValue))).sorted()
            let agreements = Array(Set(records.map(\.agreement.rawValue))).sorted()
            try await fence(debtors: debtors, connection)
            let revisions = try await Self.lockedRevisions(of: debtors, connection, logger)
            var summaries: [String: String] = [:]
            for try await (id, summary) in try await connection.rows(
                "SELECT id, summary FROM agreement WHERE id = ANY(\(agreements))", logger: logger
            ).decode((String, String).self) {
                summaries[id] = summary
            }
            let refused = try await CommitBatch.withdraw(records, at: now, connection, logger)
            // A debtor one of whose jobs was claimed before its withdrawal took is planned again
            // next tick, on the claim: what replaced the job must not go beside it.
            let late = Set(
                records.filter { $0.withdrawn.contains { refused.contains($0.0.jobID) } }.compactMap(\.debtor))
            var batch = CommitBatch(now: now)
            var result = CommitResult()
            var unchanged: [Identifier: Bool] = [:]
            for record in records {
                batch.withdraw(record, refused: refused)
                if let debtor = record.debtor, let revision = record.revision {
                    let same =
                        unchanged[debtor]
                        ?? (revisions[debtor.rawValue, default: 0] == revision && !late.contains(debtor))
                    if unchanged.updateValue(same, forKey: debtor) == nil, !same {
                        result.changedMeanwhile.append(debtor)
                    }
                    guard same else { continue }
                }
                batch.apply(record, previousSummary: &summaries)
            }
            result.newlyDropped = try await batch.send(connection, logger)
            return result
        }
    }

    /// The revision of each debtor (the sum of their agreements'), with their agreement rows
    /// locked until the commit: new input for them waits, and is planned by the next tick.
    static func lockedRevisions(of debtors: [String], _ connection: PostgresConnection, _ logger: Logger)
        async throws -> [String: Int64]
    {
        var revisions: [String: Int64] = [:]
        for try await (debtor, revision) in try await connection.rows(
            "SELECT debtor_id, revision FROM agreement WHERE debtor_id = ANY(\(debtors)) ORDER BY id FOR UPDATE",
            logger: logger
        ).decode((String, Int64).self) {
            revisions[debtor, default: 0] += revision
        }
        return revisions
    }

    public func setStates(_ changes: [JobStateChange], at now: Date) async throws(StoreError) {
        guard changes.contains(where: { !$0.jobIDs.isEmpty }) else { return }
        try await transaction { connection in
            // Marking files written is a tick's write and is fenced; a delivery's outcome is
            // recorded whoever holds the partition now.
            try await fence(
                jobs: changes.filter { [.spooled, .review].contains($0.state) }.flatMap(\.jobIDs).map(\.rawValue),
                connection)
            for change in changes where !change.jobIDs.isEmpty {
                try await Self.setState(change, at: now, connection, logger)
            }
        }
    }

    /// Moves the jobs of `change`, records each move (R30) in the order given, and with
    /// `replan` makes their agreements due.
    private static func setState(
        _ change: JobStateChange, at now: Date, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let ids = change.jobIDs.map(\.rawValue)
        var agreements: [String: String] = [:]
        for try await (job, agreement) in try await connection.rows(
            """
            UPDATE job SET state = \(change.state.rawValue), detail = coalesce(\(change.detail), detail),
                updated_at = \(now.sql)
            WHERE id = ANY(\(ids)) RETURNING id, agreement_id
            """, logger: logger
        ).decode((String, String).self) {
            agreements[job] = agreement
        }
        var decisions = CommitBatch.decisionRows()
        for job in change.jobIDs {
            guard let agreement = agreements[job.rawValue] else { continue }
            decisions.append(
                .text(agreement), .time(now), .text(RecordedOutcome(change.state).rawValue), .text(job.rawValue),
                .text(nil), .text(change.detail ?? change.state.rawValue))
        }
        try await CommitBatch.insertDecisions(decisions, connection, logger)
        if change.replan {
            let replanned = Array(Set(agreements.values))
            try await connection.run(
                "UPDATE agreement SET next_action_at = 'epoch' WHERE id = ANY(\(replanned))", logger)
        }
    }
}

/// The rows one commit writes, built in the order the SQLite store writes them (so decision
/// ids, and `explain`, read the same on both stores), then sent a table at a time.
struct CommitBatch {
    let now: Date
    var decisions = CommitBatch.decisionRows()
    var jobs = BatchRows(
        "text", "text", "text", "text", "text", "text", "text", "text", "timestamptz", "timestamptz", "text", "text",
        "text", "boolean", "text", "text")
    /// The last record's next action per agreement: the one that stands.
    var agreements: [String: (next: Date?, outcome: String, summary: String)] = [:]
    var order: [String] = []

    init(now: Date) { self.now = now }

    static func decisionRows() -> BatchRows { BatchRows("text", "timestamptz", "text", "text", "text", "text") }

    /// Applies the withdrawals of `records`, whatever else changed: a job becomes `withdrawn`
    /// only if it still waits — a claim that committed first, from any host, wins — and takes
    /// the state its file was found in otherwise.
    /// - Returns: the jobs whose withdrawal came too late.
    static func withdraw(_ records: [PlanRecord], at now: Date, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> Set<JobID>
    {
        var rows = BatchRows("text", "text", "text")
        var asked: Set<JobID> = []
        for record in records {
            for (withdrawal, state) in record.withdrawn {
                rows.append(.text(withdrawal.jobID.rawValue), .text(state.rawValue), .text(withdrawal.reason))
                if state == .withdrawn { asked.insert(withdrawal.jobID) }
            }
        }
        let waiting = "'{" + JobState.waiting.map(\.rawValue).joined(separator: ",") + "}'"
        for query in rows.queries({
            """
            UPDATE job SET state = v.state, detail = v.detail, updated_at = \(Self.literal(now))
            FROM (\($0)) AS v(id, state, detail)
            WHERE job.id = v.id AND (v.state <> 'withdrawn' OR job.state = ANY(\(waiting)))
            RETURNING job.id
            """
        }) {
            for try await id in try await connection.rows(query, logger: logger).decode(String.self) {
                if let id = JobID(id) { asked.remove(id) }
            }
        }
        return asked
    }

    /// The decisions of a record's withdrawals: recorded whatever else changed.
    mutating func withdraw(_ record: PlanRecord, refused: Set<JobID>) {
        for (withdrawal, state) in record.withdrawn {
            let outcome: RecordedOutcome =
                state == .withdrawn && !refused.contains(withdrawal.jobID) ? .withdrawn : .withdrawTooLate
            decisions.append(
                .text(record.agreement.rawValue), .time(now), .text(outcome.rawValue),
                .text(withdrawal.jobID.rawValue), .text(nil), .text(withdrawal.reason))
        }
    }

    /// A record's drops, job, suppression and next action.
    mutating func apply(_ record: PlanRecord, previousSummary summaries: inout [String: String]) {
        let id = record.agreement.rawValue
        let decision = record.decision
        for dropped in decision.dropped {
            decisions.append(
                .text(id), .time(now), .text(RecordedOutcome.dropped.rawValue), .text(nil),
                .text(dropped.touchpoint.rawValue), .text(dropped.reason))
        }
        if let (job, bytes) = record.job, case .send(let contact) = decision.outcome {
            jobs.append(
                .text(job.id.rawValue), .text(contact.touchpoint.rawValue),
                .text(JSONWriter.strings(contact.covers.map(\.rawValue))), .text(id),
                .text(JSONWriter.strings(job.agreements.map(\.rawValue))), .text(job.debtor.rawValue),
                .text(job.kind.rawValue), .text(job.channel.rawValue), .time(job.notBefore), .time(job.notAfter),
                .text(job.timezone), .text(job.to), .text(job.fileName), .flag(contact.needsReview),
                .text(String(decoding: bytes, as: UTF8.self)), .text(contact.statement?.fingerprint))
            decisions.append(
                .text(id), .time(now), .text(RecordedOutcome.planned.rawValue), .text(job.id.rawValue),
                .text(contact.touchpoint.rawValue), .text(job.reason))
        }
        if case .blocked = decision.outcome, summaries[id] != decision.summary {
            decisions.append(
                .text(id), .time(now), .text(RecordedOutcome.suppressed.rawValue), .text(nil), .text(nil),
                .text(decision.summary))
        }
        summaries[id] = decision.summary
        if agreements.updateValue((decision.nextReview, decision.kind.rawValue, decision.summary), forKey: id) == nil {
            order.append(id)
        }
    }

    /// Sends every table's rows.
    /// - Returns: how many dropped touchpoints were recorded for the first time.
    func send(_ connection: PostgresConnection, _ logger: Logger) async throws -> Int {
        for query in jobs.queries({
            """
            INSERT INTO job (id, touchpoint, covers, agreement_id, agreements, debtor_id, kind, channel, not_before,
                             not_after, timezone, recipient, file_name, review, data, statement, state, created_at,
                             updated_at, local_day, pacing)
            SELECT v.*, 'planned', \(Self.literal(now)), \(Self.literal(now)),
                (v.column9 AT TIME ZONE v.column11)::date, tstzrange(v.column9, v.column9 + interval '48 hours')
            FROM (\($0)) AS v
            """
        }) {
            try await connection.run(query, logger)
        }
        let dropped = try await Self.insertDecisions(decisions, connection, logger)
        var updates = BatchRows("text", "timestamptz", "text", "text")
        for id in order {
            guard let update = agreements[id] else { continue }
            updates.append(.text(id), .time(update.next), .text(update.outcome), .text(update.summary))
        }
        for query in updates.queries({
            """
            UPDATE agreement SET next_action_at = v.next, outcome = v.outcome, summary = v.summary,
                planned_at = \(Self.literal(now))
            FROM (\($0)) AS v(id, next, outcome, summary) WHERE agreement.id = v.id
            """
        }) {
            try await connection.run(query, logger)
        }
        return dropped
    }

    /// Inserts decisions in their order; a touchpoint already recorded as dropped is not
    /// recorded again (the `decision_dropped` index).
    /// - Returns: how many drops were new.
    @discardableResult
    static func insertDecisions(_ rows: BatchRows, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> Int
    {
        var dropped = 0
        for query in rows.queries({
            """
            INSERT INTO decision (agreement_id, at, outcome, job_id, touchpoint, reason)
            SELECT agreement_id, at, outcome, job_id, touchpoint, reason
            FROM (SELECT v.*, row_number() OVER () AS n FROM (\($0)) AS v(agreement_id, at, outcome, job_id,
                  touchpoint, reason)) AS o
            ORDER BY n
            ON CONFLICT DO NOTHING RETURNING outcome
            """
        }) {
            for try await outcome in try await connection.rows(query, logger: logger).decode(String.self)
            where outcome == RecordedOutcome.dropped.rawValue {
                dropped += 1
            }
        }
        return dropped
    }

    /// An instant written into SQL text, exactly, in whole microseconds (never input from
    /// outside: the tick's own clock).
    static func literal(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        return "(timestamptz 'epoch' + \(micros) * interval '1 microsecond')"
    }
}
