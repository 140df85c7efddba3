import Foundation
import PostgresNIO
import RapportCore
import RapportStorage

/// What a tick asks of the store (`PlanningStore`), on PostgreSQL.
extension PostgresStore {
    public func dueAgreements(at now: Date, after cursor: DueAgreement?, limit: Int) async throws(StoreError)
        -> [DueAgreement]
    {
        var held: (partitions: [Int], count: Int)?
        if let fence {
            held = (fence.held.keys.sorted(), partitionCount)
            guard held?.partitions.isEmpty == false else { return [] }
        }
        let query = HotQuery.due(
            at: now, after: cursor.map { (Date(timeIntervalSince1970: $0.nextActionAt), $0.agreement.rawValue) },
            limit: limit, in: held)
        return try await transaction { connection in
            var due: [DueAgreement] = []
            for try await (id, debtor, next) in try await connection.rows(query, logger: logger)
                .decode((String, String, Date).self)
            {
                guard let agreement = Identifier(id), let debtor = Identifier(debtor) else {
                    throw StoreError.unreadable("agreement", id, "its id or its debtor's is not an identifier")
                }
                due.append(DueAgreement(agreement: agreement, debtor: debtor, nextActionAt: next.timeIntervalSince1970))
            }
            return due
        }
    }

    public func portfolio(of debtor: Identifier) async throws(StoreError) -> Portfolio {
        guard let portfolio = try await portfolios(of: [debtor])[debtor] else {
            return Portfolio(agreements: [], events: [], history: [])
        }
        return try portfolio.get()
    }

    /// Every debtor's rows in four statements (agreements, events, jobs, adjustments), read in
    /// one snapshot; decoding happens after the transaction, on every core.
    public func portfolios(of debtors: [Identifier]) async throws(StoreError) -> [Identifier: Result<
        Portfolio, StoreError
    >] {
        let keys = Array(Set(debtors.map(\.rawValue)))
        let rows = try await transaction { connection in try await Self.portfolioRows(of: keys, connection, logger) }
        let decoded = rows.map(\.value).concurrentMap { rows in Result { () throws(StoreError) in try rows.decoded() } }
        var portfolios: [Identifier: Result<Portfolio, StoreError>] = [:]
        for (key, portfolio) in zip(rows.map(\.key), decoded) {
            if let id = Identifier(key) { portfolios[id] = portfolio }
        }
        for debtor in debtors where portfolios[debtor] == nil {
            portfolios[debtor] = .success(Portfolio(agreements: [], events: [], history: []))
        }
        return portfolios
    }

    private static func portfolioRows(of debtors: [String], _ connection: PostgresConnection, _ logger: Logger)
        async throws -> [(key: String, value: PortfolioRows)]
    {
        try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger)
        var rows: [String: PortfolioRows] = [:]
        for try await (id, debtor, data, changed, revision) in try await connection.rows(
            """
            SELECT id, debtor_id, data, schedule_changed_at, revision FROM agreement WHERE debtor_id = ANY(\(debtors))
            ORDER BY id
            """, logger: logger
        ).decode((String, String, String, Date?, Int64).self) {
            rows[debtor, default: PortfolioRows()].agreements.append((id, data, changed))
            rows[debtor, default: PortfolioRows()].revision += revision
        }
        for try await (id, debtor, data) in try await connection.rows(
            """
            SELECT e.id, a.debtor_id, e.data FROM event e JOIN agreement a ON a.id = e.agreement_id
            WHERE a.debtor_id = ANY(\(debtors)) ORDER BY e.at, e.id
            """, logger: logger
        ).decode((Int64, String, String).self) {
            rows[debtor, default: PortfolioRows()].events.append((id, data))
        }
        typealias JobColumns = (
            String, String, String, String, String, String, String, Date, Date, String, String, String, String?
        )
        for try await row in try await connection.rows(
            """
            SELECT debtor_id, id, touchpoint, covers, agreements, kind, channel, not_before, not_after, state,
                   timezone, recipient, statement
            FROM job WHERE debtor_id = ANY(\(debtors)) ORDER BY not_before, id
            """, logger: logger
        ).decode(JobColumns.self) {
            let (
                debtor, id, touchpoint, covers, agreements, kind, channel, notBefore, notAfter, state, timezone,
                recipient, statement
            ) = row
            rows[debtor, default: PortfolioRows()].history.append(
                JobHistoryRow(
                    id: id, touchpoint: touchpoint, covers: covers, agreements: agreements, kind: kind,
                    channel: channel, notBefore: notBefore, notAfter: notAfter, state: state, timezone: timezone,
                    recipient: recipient, statement: statement))
        }
        for try await (id, debtor, agreement, data) in try await connection.rows(
            """
            SELECT a.id, g.debtor_id, a.agreement_id, a.data FROM adjustment a JOIN agreement g ON g.id = a.agreement_id
            WHERE g.debtor_id = ANY(\(debtors)) ORDER BY a.id
            """, logger: logger
        ).decode((Int64, String, String, String).self) {
            rows[debtor, default: PortfolioRows()].adjustments.append((id, agreement, data))
        }
        return rows.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// The queries a tick runs for every batch, named so the query-plan test explains the very SQL
/// the store sends (`EXPLAIN`: each must use its index, never scan a table).
enum HotQuery {
    /// Due agreements along the `agreement_due` index, from the start or after a cursor.
    /// - Parameter held: a cluster node's partitions (and how many there are): only their
    ///   debtors' agreements.
    static func due(
        at now: Date, after cursor: (Date, String)?, limit: Int, in held: (partitions: [Int], count: Int)? = nil
    ) -> PostgresQuery {
        var query: PostgresQuery =
            "SELECT id, debtor_id, next_action_at FROM agreement WHERE next_action_at <= \(now.sql)"
        if let (next, id) = cursor {
            let (after, afterID) = (query.bind(next.sql), query.bind(id))
            query.sql += " AND (next_action_at, id) > (\(after), \(afterID))"
        }
        if let held {
            let partitions = query.bind(held.partitions)
            query.sql += " AND rapport_partition(debtor_id, \(held.count)) = ANY(\(partitions))"
        }
        let count = query.bind(limit)
        query.sql += " ORDER BY next_action_at, id LIMIT \(count)"
        return query
    }

    /// The agreements that hold an address, along the `agreement_addresses` GIN index.
    static func agreements(using address: String, on channel: RapportCore.Channel) -> PostgresQuery {
        "SELECT id FROM agreement WHERE addresses @> \([AddressKey.key(address, on: channel)]) ORDER BY id"
    }

    static func portfolioAgreements(_ debtors: [String]) -> PostgresQuery {
        """
        SELECT id, debtor_id, data, schedule_changed_at, revision FROM agreement WHERE debtor_id = ANY(\(debtors))
        ORDER BY id
        """
    }

    static func portfolioEvents(_ debtors: [String]) -> PostgresQuery {
        """
        SELECT e.id, a.debtor_id, e.data FROM event e JOIN agreement a ON a.id = e.agreement_id
        WHERE a.debtor_id = ANY(\(debtors)) ORDER BY e.at, e.id
        """
    }

    static func portfolioJobs(_ debtors: [String]) -> PostgresQuery {
        """
        SELECT debtor_id, id, touchpoint, covers, agreements, kind, channel, not_before, not_after, state,
               timezone, recipient, statement
        FROM job WHERE debtor_id = ANY(\(debtors)) ORDER BY not_before, id
        """
    }

    static func portfolioAdjustments(_ debtors: [String]) -> PostgresQuery {
        """
        SELECT a.id, g.debtor_id, a.agreement_id, a.data FROM adjustment a JOIN agreement g ON g.id = a.agreement_id
        WHERE g.debtor_id = ANY(\(debtors)) ORDER BY a.id
        """
    }
}

extension PostgresQuery {
    /// Binds `value` as the query's next parameter and returns its placeholder: how a query
    /// built a clause at a time takes its values.
    mutating func bind<Value: PostgresNonThrowingEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }
}
