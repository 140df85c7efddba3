import Foundation
import PostgresNIO
import RapportCore
import RapportStorage

/// The job row as the truth on a cluster (`JobClaims`): every move is one conditional
/// `UPDATE … WHERE state = ANY(…)`, so of two hosts racing for one job exactly one update
/// finds it in a state it may leave, and the other's finds nothing.
extension PostgresStore: JobClaims {
    public func claim(_ id: JobID, by claimant: String) async throws(StoreError) -> Data? {
        try await transaction { connection in
            try await Self.conditionalMove(
                id, to: .claimed, from: [.spooled], detail: "claimed by \(claimant)", dueNow: true, connection, logger
            ).map { Data($0.data.utf8) }
        }
    }

    public func acknowledge(_ id: JobID, delivered: Bool, detail: String) async throws(StoreError) -> Bool {
        try await transaction { connection in
            // A failed delivery makes its agreement due at once: the retry policy applies, as on
            // a single host.
            try await Self.conditionalMove(
                id, to: delivered ? .delivered : .failed, from: JobState.claimedByATool, detail: detail,
                replan: !delivered, connection, logger) != nil
        }
    }

    public func move(
        _ id: JobID, to state: JobState, from: [JobState], detail: String, replan: Bool, at now: Date
    ) async throws(StoreError) -> JobState? {
        try await transaction { connection in
            if try await Self.conditionalMove(
                id, to: state, from: from, detail: detail, replan: replan, at: now, connection, logger) != nil
            {
                return state
            }
            return try await connection.scalar(String.self, "SELECT state FROM job WHERE id = \(id.rawValue)", logger)
                .flatMap(JobState.init(rawValue:))
        }
    }

    public func states(of ids: [JobID]) async throws(StoreError) -> [JobID: JobState] {
        guard !ids.isEmpty else { return [:] }
        return try await transaction { connection in
            var states: [JobID: JobState] = [:]
            for try await (id, state) in try await connection.rows(
                "SELECT id, state FROM job WHERE id = ANY(\(ids.map(\.rawValue)))", logger: logger
            ).decode((String, String).self) {
                if let id = JobID(id), let state = JobState(rawValue: state) { states[id] = state }
            }
            return states
        }
    }

    public func readyJobs(before horizons: [RapportCore.Channel: Date], at now: Date) async throws(StoreError)
        -> [StoredJob]
    {
        let channels = horizons.keys.sorted { $0.rawValue < $1.rawValue }
        var query: PostgresQuery = """
            SELECT \(unescaped: Self.jobColumns) FROM job
            WHERE state = 'spooled' AND not_after > \(now.sql)
                AND not_before <= (
                    SELECT h.until FROM unnest(\(channels.map(\.rawValue)), \(channels.compactMap { horizons[$0] }))
                        AS h(channel, until)
                    WHERE h.channel = job.channel)
            """
        if let fence {
            let partitions = query.bind(fence.held.keys.sorted())
            query.sql += " AND rapport_partition(debtor_id, \(partitionCount)) = ANY(\(partitions))"
        }
        query.sql += " ORDER BY not_before, id"
        return try await fetchJobs(query)
    }

    /// The one conditional move every method here makes: `id` to `state` only while it is in
    /// one of `from` (with `dueNow`, also only while its `not_before` has come and its
    /// `not_after` has not, by the database's clock), recorded as a decision (R30), and with
    /// `replan` its agreement due again.
    /// - Parameter now: the instant the move is stamped with; nil for the database's clock.
    /// - Returns: the moved job's agreement, and its file's bytes with `dueNow`; nil when the
    ///   job was in none of `from`.
    private static func conditionalMove(
        _ id: JobID, to state: JobState, from: [JobState], detail: String, replan: Bool = false,
        dueNow: Bool = false, at now: Date? = nil, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (agreement: String, data: String)? {
        var query: PostgresQuery = """
            UPDATE job SET state = \(state.rawValue), detail = \(detail), updated_at = coalesce(\(now?.sql), now())
            WHERE id = \(id.rawValue) AND state = ANY(\(from.map(\.rawValue)))
            """
        if dueNow { query.sql += " AND not_before <= now() AND not_after > now()" }
        query.sql += dueNow ? " RETURNING agreement_id, data" : " RETURNING agreement_id, ''"
        var moved: (agreement: String, data: String)?
        for try await row in try await connection.rows(query, logger: logger).decode((String, String).self) {
            moved = row
        }
        guard let moved else { return nil }
        try await connection.run(
            """
            INSERT INTO decision (agreement_id, at, outcome, job_id, touchpoint, reason)
            VALUES (\(moved.agreement), now(), \(RecordedOutcome(state).rawValue), \(id.rawValue), NULL, \(detail))
            """, logger)
        if replan {
            try await connection.run(
                "UPDATE agreement SET next_action_at = 'epoch' WHERE id = \(moved.agreement)", logger)
        }
        return moved
    }
}
