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
            var claimed: (agreement: String, data: String)?
            for try await row in try await connection.rows(
                """
                UPDATE job SET state = 'claimed', detail = \("claimed by \(claimant)"), updated_at = now()
                WHERE id = \(id.rawValue) AND state = 'spooled' AND NOT review
                    AND not_before <= now() AND not_after > now()
                RETURNING agreement_id, data
                """, logger: logger
            ).decode((String, String).self) {
                claimed = row
            }
            guard let claimed else { return nil }
            try await Self.recordMove(
                of: id, agreement: claimed.agreement, to: .claimed, detail: "claimed by \(claimant)", connection, logger
            )
            return Data(claimed.data.utf8)
        }
    }

    public func acknowledge(_ id: JobID, delivered: Bool, detail: String) async throws(StoreError) -> Bool {
        let state: JobState = delivered ? .delivered : .failed
        return try await transaction { connection in
            var agreement: String?
            for try await row in try await connection.rows(
                """
                UPDATE job SET state = \(state.rawValue), detail = \(detail), updated_at = now()
                WHERE id = \(id.rawValue) AND state = ANY(\(JobState.claimedByATool.map(\.rawValue)))
                RETURNING agreement_id
                """, logger: logger
            ).decode(String.self) {
                agreement = row
            }
            guard let agreement else { return false }
            try await Self.recordMove(of: id, agreement: agreement, to: state, detail: detail, connection, logger)
            if !delivered {
                // The retry policy applies at once, as on a single host.
                try await connection.run(
                    "UPDATE agreement SET next_action_at = 'epoch' WHERE id = \(agreement)", logger)
            }
            return true
        }
    }

    public func move(
        _ id: JobID, to state: JobState, from: [JobState], detail: String, replan: Bool, at now: Date
    ) async throws(StoreError) -> JobState? {
        try await transaction { connection in
            var moved: String?
            for try await agreement in try await connection.rows(
                """
                UPDATE job SET state = \(state.rawValue), detail = \(detail), updated_at = \(now.sql)
                WHERE id = \(id.rawValue) AND state = ANY(\(from.map(\.rawValue)))
                RETURNING agreement_id
                """, logger: logger
            ).decode(String.self) {
                moved = agreement
            }
            guard let moved else {
                return try await connection.scalar(
                    String.self, "SELECT state FROM job WHERE id = \(id.rawValue)", logger
                )
                .flatMap(JobState.init(rawValue:))
            }
            try await Self.recordMove(of: id, agreement: moved, to: state, detail: detail, connection, logger)
            if replan {
                try await connection.run("UPDATE agreement SET next_action_at = 'epoch' WHERE id = \(moved)", logger)
            }
            return state
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
            WHERE state = 'spooled' AND NOT review AND not_after > \(now.sql)
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

    /// Records one job's move (R30), as `setStates` does.
    static func recordMove(
        of id: JobID, agreement: String, to state: JobState, detail: String, _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws {
        try await connection.run(
            """
            INSERT INTO decision (agreement_id, at, outcome, job_id, touchpoint, reason)
            VALUES (\(agreement), now(), \(RecordedOutcome(state).rawValue), \(id.rawValue), NULL, \(detail))
            """, logger)
    }
}
