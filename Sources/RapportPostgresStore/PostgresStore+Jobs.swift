import Foundation
import PostgresNIO
import RapportCore
import RapportStorage

/// Reading jobs, the tick's clocks and the per-minute load, on PostgreSQL.
extension PostgresStore {
    static let jobColumns = """
        id, touchpoint, agreement_id, kind, channel, not_before, not_after, file_name, state, review, detail, data,
        created_at, updated_at
        """

    typealias JobRow = (
        String, String, String, String, String, Date, Date, String, String, Bool, String?, String, Date, Date
    )

    /// Runs a query of `jobColumns` and reads each row as a job; one this program cannot read
    /// is an error naming it.
    func fetchJobs(_ query: PostgresQuery) async throws(StoreError) -> [StoredJob] {
        try await transaction { connection in
            var jobs: [StoredJob] = []
            for try await row in try await connection.rows(query, logger: logger).decode(JobRow.self) {
                jobs.append(try Self.storedJob(row))
            }
            return jobs
        }
    }

    private static func storedJob(_ row: JobRow) throws(StoreError) -> StoredJob {
        let (
            id, touchpoint, agreement, kind, channel, notBefore, notAfter, file, state, review, detail, data,
            created, updated
        ) = row
        guard let jobID = JobID(id), let agreement = Identifier(agreement), let kind = ContactKind(rawValue: kind),
            let channel = RapportCore.Channel(rawValue: channel), let state = JobState(rawValue: state)
        else { throw StoreError.unreadable("job", id, "an id, kind, channel or state this version does not know") }
        return StoredJob(
            id: jobID, touchpoint: TouchpointKey(rawValue: touchpoint), agreement: agreement, kind: kind,
            channel: channel, notBefore: notBefore, notAfter: notAfter, fileName: file, state: state, review: review,
            detail: detail, data: Data(data.utf8), createdAt: created, updatedAt: updated)
    }

    /// On a cluster node, only the jobs of the partitions it holds: the planned jobs whose files
    /// a node finishes writing must be its own, never another node's.
    public func jobs(in state: JobState, limit: Int) async throws(StoreError) -> [StoredJob] {
        var query: PostgresQuery = "SELECT \(unescaped: Self.jobColumns) FROM job WHERE state = \(state.rawValue)"
        if let fence {
            let partitions = query.bind(fence.held.keys.sorted())
            query.sql += " AND rapport_partition(debtor_id, \(partitionCount)) = ANY(\(partitions))"
        }
        query.sql += " ORDER BY not_before, id LIMIT \(Int64(min(limit, Int(Int64.max))))"
        return try await fetchJobs(query)
    }

    public func overdueJobs(at now: Date) async throws(StoreError) -> [StoredJob] {
        try await fetchJobs(
            """
            SELECT \(unescaped: Self.jobColumns) FROM job
            WHERE state = ANY(\(JobState.awaitingDelivery.map(\.rawValue))) AND not_after < \(now.sql)
            ORDER BY not_after
            """)
    }

    public func jobsInFlight(at now: Date, withData: Bool) async throws(StoreError) -> [StoredJob] {
        let columns = Self.jobColumns.replacingOccurrences(of: " data,", with: withData ? " data," : " '' AS data,")
        return try await fetchJobs(
            """
            SELECT \(unescaped: columns) FROM job
            WHERE (state = 'spooled' AND not_before <= \(now.sql))
               OR state = ANY(\(JobState.claimedByATool.map(\.rawValue)))
            ORDER BY not_before
            """)
    }

    public func job(_ id: JobID) async throws(StoreError) -> StoredJob? {
        try await fetchJobs("SELECT \(unescaped: Self.jobColumns) FROM job WHERE id = \(id.rawValue)").first
    }

    public func jobs(of agreement: Identifier) async throws(StoreError) -> [StoredJob] {
        try await fetchJobs(
            """
            SELECT \(unescaped: Self.jobColumns) FROM job WHERE agreement_id = \(agreement.rawValue)
            ORDER BY not_before, id
            """)
    }

    public func load(from instant: Date, limits: [RapportCore.Channel: Int]) async throws(StoreError) -> ChannelLoad {
        guard !limits.isEmpty else { return ChannelLoad(limits: limits) }
        return try await transaction { connection in
            var load = ChannelLoad(limits: limits)
            for try await (channel, minute, count) in try await connection.rows(
                """
                SELECT channel, floor(extract(epoch FROM not_before) / 60)::bigint AS minute, count(*) FROM job
                WHERE state = ANY(\(JobState.waiting.map(\.rawValue))) AND not_before >= \(instant.sql)
                GROUP BY channel, minute
                """, logger: logger
            ).decode((String, Int64, Int64).self) {
                if let channel = RapportCore.Channel(rawValue: channel) {
                    load.add(channel, minute: Int(minute), jobs: Int(count))
                }
            }
            return load
        }
    }

    public func nextActionAt() async throws(StoreError) -> Date? {
        try await scalar(Date.self, "SELECT min(next_action_at) FROM agreement WHERE next_action_at IS NOT NULL")
    }

    public func nextWaitingJob() async throws(StoreError) -> Date? {
        try await scalar(Date.self, "SELECT min(not_before) FROM job WHERE state = 'spooled'")
    }

    public func nextExpiry(from instant: Date) async throws(StoreError) -> Date? {
        try await scalar(
            Date.self,
            """
            SELECT min(not_after) FROM job
            WHERE state = ANY(\(JobState.awaitingDelivery.map(\.rawValue))) AND not_after >= \(instant.sql)
            """
        ).map { $0.addingTimeInterval(1) }
    }

    public func makeDue(_ agreements: [Identifier]) async throws(StoreError) {
        guard !agreements.isEmpty else { return }
        let ids = agreements.map(\.rawValue)
        try await transaction { connection in
            try await connection.run("UPDATE agreement SET next_action_at = 'epoch' WHERE id = ANY(\(ids))", logger)
        }
    }

    public func makeAllDue() async throws(StoreError) {
        try await transaction { connection in
            try await connection.run("UPDATE agreement SET next_action_at = 'epoch'", logger)
        }
    }

    public func record(_ tick: TickRecord) async throws(StoreError) {
        try await transaction { connection in
            try await connection.run(
                """
                INSERT INTO tick (started_at, finished_at, due, spooled, withdrawn, dropped, expired, next_action_at)
                VALUES (\(tick.startedAt.sql), \(tick.finishedAt.sql), \(tick.due), \(tick.spooled),
                        \(tick.withdrawn), \(tick.dropped), \(tick.expired), \(tick.nextActionAt?.sql))
                """, logger)
        }
    }

    /// One value, or nil (no row, or NULL), in its own transaction.
    func scalar<T: PostgresDecodable & Sendable>(_ type: T.Type, _ query: PostgresQuery) async throws(StoreError)
        -> T? where T._DecodableType == T
    {
        try await transaction { connection in try await connection.scalar(T.self, query, logger) }
    }
}
