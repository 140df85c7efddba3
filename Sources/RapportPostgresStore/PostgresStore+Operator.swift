import Foundation
import PostgresNIO
import RapportCore
import RapportStorage

/// Events, adjustments and what operators read (`EventStore`, `OperatorStore`), on PostgreSQL.
extension PostgresStore {
    public func append(_ events: [Event], at now: Date) async throws(StoreError) -> Int {
        try await transaction { connection in try await Self.append(events, at: now, connection, logger) }
    }

    /// Appends events once each and makes their agreements due, moving their debtors' revisions.
    static func append(_ events: [Event], at now: Date, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> Int
    {
        let ids = Array(Set(events.map(\.agreement.rawValue)))
        var known: Set<String> = []
        for try await id in try await connection.rows(
            "SELECT id FROM agreement WHERE id = ANY(\(ids))", logger: logger
        ).decode(String.self) {
            known.insert(id)
        }
        if let unknown = events.first(where: { !known.contains($0.agreement.rawValue) }) {
            throw StoreError(.unusable, "agreement \(unknown.agreement) is not known")
        }
        let added = try await insertEvents(events, at: now, connection, logger)
        try await makeDueRevised(added, connection, logger)
        return added.count
    }

    /// Inserts events in their order, each once (its `identity`).
    /// - Returns: the agreement of each event that was new.
    static func insertEvents(_ events: [Event], at now: Date, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> [String]
    {
        var rows = BatchRows("text", "text", "timestamptz", "text", "text")
        for event in events {
            rows.append(
                .text(event.agreement.rawValue), .text(event.type.rawValue), .time(event.at),
                .text(try StoredJSON.encode(event)), .text(event.identity))
        }
        var added: [String] = []
        for query in rows.queries({
            """
            INSERT INTO event (agreement_id, type, at, data, identity, recorded_at)
            SELECT agreement_id, type, at, data, identity, \(CommitBatch.literal(now))
            FROM (SELECT v.*, row_number() OVER () AS n FROM (\($0)) AS v(agreement_id, type, at, data, identity)) AS o
            ORDER BY n
            ON CONFLICT (identity) DO NOTHING RETURNING agreement_id
            """
        }) {
            for try await id in try await connection.rows(query, logger: logger).decode(String.self) {
                added.append(id)
            }
        }
        return added
    }

    /// Makes agreements due and moves their debtors' revisions, once per event: what is planned
    /// for the debtor must now be planned on the new input (see `commit`).
    static func makeDueRevised(_ agreements: [String], _ connection: PostgresConnection, _ logger: Logger)
        async throws
    {
        guard !agreements.isEmpty else { return }
        try await connection.run(
            """
            UPDATE agreement SET next_action_at = 'epoch', revision = revision + c.n
            FROM (SELECT id, count(*) AS n FROM unnest(\(agreements)) AS id GROUP BY id) AS c
            WHERE agreement.id = c.id
            """, logger)
    }

    public func adjust(_ agreement: Identifier, _ adjustment: Adjustment, reason: String, at now: Date)
        async throws(StoreError)
    {
        let data: String
        do { data = try StoredJSON.encode(adjustment) } catch { throw StoreError(.unusable, "\(error)") }
        try await transaction { connection in
            try await connection.run(
                """
                INSERT INTO adjustment (agreement_id, at, data, reason)
                VALUES (\(agreement.rawValue), \(now.sql), \(data), \(reason))
                """, logger)
            try await Self.makeDueRevised([agreement.rawValue], connection, logger)
            try await connection.run(
                """
                INSERT INTO decision (agreement_id, at, outcome, reason)
                VALUES (\(agreement.rawValue), \(now.sql), \(RecordedOutcome.adjusted.rawValue),
                        \("\(adjustment.summary) (\(reason))"))
                """, logger)
        }
    }

    public func knownAgreements(_ ids: [Identifier]) async throws(StoreError) -> Set<Identifier> {
        let keys = ids.map(\.rawValue)
        return try await transaction { connection in
            var known: Set<Identifier> = []
            for try await id in try await connection.rows(
                "SELECT id FROM agreement WHERE id = ANY(\(keys))", logger: logger
            ).decode(String.self) {
                if let id = Identifier(id) { known.insert(id) }
            }
            return known
        }
    }

    public func eventTimes(after instant: Date) async throws(StoreError) -> [(agreement: Identifier, at: Date)] {
        try await transaction { connection in
            var times: [(agreement: Identifier, at: Date)] = []
            for try await (id, at) in try await connection.rows(
                "SELECT agreement_id, at FROM event WHERE at > \(instant.sql) ORDER BY at", logger: logger
            ).decode((String, Date).self) {
                if let id = Identifier(id) { times.append((id, at)) }
            }
            return times
        }
    }

    public func agreement(_ id: Identifier) async throws(StoreError) -> StoredAgreement? {
        let row = try await transaction { connection in
            try await connection.rows(
                """
                SELECT data, version, next_action_at, outcome, summary, planned_at, schedule_changed_at
                FROM agreement WHERE id = \(id.rawValue)
                """, logger: logger
            ).decode((String, Int, Date?, String, String, Date?, Date?).self).all().first
        }
        guard let (data, version, next, outcome, summary, planned, changed) = row else { return nil }
        guard let outcome = PlanOutcome(rawValue: outcome) else {
            throw .unreadable("agreement", id.rawValue, "outcome \"\(outcome)\"")
        }
        var agreement = try StoredJSON.agreement(from: data, row: id.rawValue)
        agreement.scheduleChangedAt = changed
        return StoredAgreement(
            agreement: agreement, version: version, nextActionAt: next, outcome: outcome, summary: summary,
            plannedAt: planned)
    }

    public func decisions(of agreement: Identifier, limit: Int) async throws(StoreError) -> [DecisionRecord] {
        let rows = try await transaction { connection in
            try await connection.rows(
                """
                SELECT id, at, outcome, job_id, touchpoint, reason FROM (
                    SELECT * FROM decision WHERE agreement_id = \(agreement.rawValue)
                    ORDER BY at DESC, id DESC LIMIT \(limit)
                ) AS d ORDER BY at, id
                """, logger: logger
            ).decode((Int64, Date, String, String?, String?, String).self).all()
        }
        return try rows.map { (id, at, outcome, job, touchpoint, reason) throws(StoreError) in
            guard let outcome = RecordedOutcome(rawValue: outcome) else {
                throw .unreadable("decision", "\(id)", "outcome \"\(outcome)\"")
            }
            return DecisionRecord(
                agreement: agreement, at: at, outcome: outcome, jobID: job.flatMap(JobID.init),
                touchpoint: touchpoint.map(TouchpointKey.init(rawValue:)), reason: reason)
        }
    }

    public func status() async throws(StoreError) -> StoreStatus {
        let (outcomes, states, events, tick, next) = try await transaction { connection in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger)
            let outcomes = try await connection.rows(
                "SELECT outcome, count(*) FROM agreement GROUP BY outcome", logger: logger
            ).decode((String, Int).self).all()
            let states = try await connection.rows(
                "SELECT state, count(*) FROM job GROUP BY state", logger: logger
            ).decode((String, Int).self).all()
            let events = try await connection.scalar(Int.self, "SELECT count(*) FROM event", logger) ?? 0
            let tick = try await connection.rows(
                """
                SELECT started_at, finished_at, due, spooled, withdrawn, dropped, expired, next_action_at
                FROM tick ORDER BY id DESC LIMIT 1
                """, logger: logger
            ).decode((Date, Date, Int, Int, Int, Int, Int, Date?).self).all().first
            let next = try await connection.scalar(
                Date.self, "SELECT min(next_action_at) FROM agreement WHERE next_action_at IS NOT NULL", logger)
            return (outcomes, states, events, tick, next)
        }
        var byOutcome: [PlanOutcome: Int] = [:]
        for (text, count) in outcomes {
            guard let outcome = PlanOutcome(rawValue: text) else {
                throw .unreadable("agreement", "(grouped)", "outcome \"\(text)\"")
            }
            byOutcome[outcome] = count
        }
        return StoreStatus(
            agreements: byOutcome.values.reduce(0, +), agreementsByOutcome: byOutcome,
            jobsByState: Dictionary(states) { $1 }, events: events,
            lastTick: tick.map {
                TickRecord(
                    startedAt: $0.0, finishedAt: $0.1, due: $0.2, spooled: $0.3, withdrawn: $0.4, dropped: $0.5,
                    expired: $0.6, nextActionAt: $0.7)
            }, nextActionAt: next)
    }

    public func dueCount(at now: Date) async throws(StoreError) -> Int {
        try await scalar(Int.self, "SELECT count(*) FROM agreement WHERE next_action_at <= \(now.sql)") ?? 0
    }

    public func agreementList(outcome: PlanOutcome?) async throws(StoreError) -> [AgreementListing] {
        let query: PostgresQuery =
            outcome.map {
                """
                SELECT id, debtor_id, outcome, summary, next_action_at FROM agreement WHERE outcome = \($0.rawValue)
                ORDER BY id
                """
            } ?? "SELECT id, debtor_id, outcome, summary, next_action_at FROM agreement ORDER BY id"
        let rows = try await transaction { connection in
            try await connection.rows(query, logger: logger).decode((String, String, String, String, Date?).self)
                .all()
        }
        return try rows.map { (id, debtor, outcome, summary, next) throws(StoreError) in
            guard let outcome = PlanOutcome(rawValue: outcome) else {
                throw .unreadable("agreement", id, "outcome \"\(outcome)\"")
            }
            return AgreementListing(id: id, debtor: debtor, outcome: outcome, summary: summary, nextActionAt: next)
        }
    }

    public func summaries(withOutcome outcome: PlanOutcome) async throws(StoreError) -> [String: Int] {
        let rows = try await transaction { connection in
            try await connection.rows(
                "SELECT summary, count(*) FROM agreement WHERE outcome = \(outcome.rawValue) GROUP BY summary",
                logger: logger
            ).decode((String, Int).self).all()
        }
        return Dictionary(rows) { $0 + $1 }
    }

    public func debtors(after cursor: Identifier?, limit: Int) async throws(StoreError) -> [Identifier] {
        try await transaction { connection in
            try await connection.rows(
                """
                SELECT DISTINCT debtor_id FROM agreement WHERE debtor_id > \(cursor?.rawValue ?? "")
                ORDER BY debtor_id LIMIT \(limit)
                """, logger: logger
            ).decode(String.self).all().compactMap(Identifier.init)
        }
    }

    public func debtorCount() async throws(StoreError) -> Int {
        try await scalar(Int.self, "SELECT count(DISTINCT debtor_id) FROM agreement") ?? 0
    }

    public func agreementsOfJobs(in states: [JobState]) async throws(StoreError) -> [JobID: Identifier] {
        let rows = try await transaction { connection in
            try await connection.rows(
                "SELECT id, agreement_id FROM job WHERE state = ANY(\(states.map(\.rawValue)))", logger: logger
            ).decode((String, String).self).all()
        }
        var agreements: [JobID: Identifier] = [:]
        for (id, agreement) in rows {
            guard let job = JobID(id) else { throw StoreError.unreadable("job", id, "not a job id") }
            agreements[job] = Identifier(agreement)
        }
        return agreements
    }
}
