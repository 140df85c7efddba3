import Foundation
import PostgresNIO
import RapportCore
import RapportStorage

/// Replies in and the inbox (`InboundStore`), on PostgreSQL.
extension PostgresStore {
    public func agreements(using address: String, on channel: RapportCore.Channel) async throws(StoreError)
        -> [Identifier]
    {
        try await transaction { connection in
            try await connection.rows(HotQuery.agreements(using: address, on: channel), logger: logger).decode(
                String.self
            ).all().compactMap(Identifier.init)
        }
    }

    public func received(_ identity: String) async throws(StoreError) -> Bool {
        try await scalar(Bool.self, "SELECT EXISTS (SELECT 1 FROM inbound WHERE identity = \(identity))") ?? false
    }

    public func receive(_ record: InboundRecord, events: [Event], inbox why: String?, failedJob: JobID?, at now: Date)
        async throws(StoreError) -> Bool
    {
        try await transaction { connection in
            let received = Date(timeIntervalSince1970: record.receivedAt)
            let recorded = Date(timeIntervalSince1970: record.recordedAt)
            guard
                let id = try await connection.scalar(
                    Int64.self,
                    """
                    INSERT INTO inbound (identity, channel, kind, address, received_at, text, in_reply_to, provider_id,
                                         outcome, agreements, recorded_at)
                    VALUES (\(record.identity), \(record.channel), \(record.kind), \(record.address), \(received.sql),
                            \(record.text), \(record.inReplyTo), \(record.providerId), \(record.outcome),
                            \(record.agreements), \(recorded.sql))
                    ON CONFLICT (identity) DO NOTHING RETURNING id
                    """, logger)
            else { return false }
            if !events.isEmpty { try await Self.appendAll(events, at: now, connection, logger) }
            if let why {
                try await connection.run("INSERT INTO inbox (inbound_id, why) VALUES (\(id), \(why))", logger)
            }
            if let failedJob {
                try await connection.run(
                    """
                    UPDATE job SET state = 'failed', detail = 'R35: temporary delivery failure reported after delivery',
                        updated_at = \(now.sql)
                    WHERE id = \(failedJob.rawValue) AND state = ANY(\(JobState.mayHaveGone.map(\.rawValue)))
                    """, logger)
            }
            return true
        }
    }

    /// Records the events a reply or a person's action means, each once, making every one's
    /// agreement due; unlike an operator's `append`, none is refused (they name the agreements
    /// the store itself matched).
    private static func appendAll(_ events: [Event], at now: Date, _ connection: PostgresConnection, _ logger: Logger)
        async throws
    {
        _ = try await insertEvents(events, at: now, connection, logger)
        try await makeDueRevised(events.map(\.agreement.rawValue), connection, logger)
    }

    public func inbox(openOnly: Bool) async throws(StoreError) -> [InboxItem] {
        try await inboxItems(openOnly ? "WHERE x.state = 'open'" : "", nil)
    }

    public func inboxItem(_ id: Int64) async throws(StoreError) -> InboxItem? {
        try await inboxItems("WHERE x.id = $1", id).first
    }

    private typealias InboxRow = (
        Int64, String, String, String?, String?, String, String, String?, Date, String, String, String, String?
    )

    private func inboxItems(_ filter: String, _ id: Int64?) async throws(StoreError) -> [InboxItem] {
        var bindings = PostgresBindings()
        if let id { bindings.append(id) }
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT x.id, x.why, x.state, x.action, x.reason, i.channel, i.kind, i.address, i.received_at, i.text,
                       i.agreements, i.outcome, i.in_reply_to
                FROM inbox x JOIN inbound i ON i.id = x.inbound_id \(filter) ORDER BY x.id
                """, binds: bindings)
        let rows = try await transaction { connection in
            try await connection.rows(query, logger: logger).decode(InboxRow.self).all()
        }
        return try rows.map { row throws(StoreError) in
            let (id, why, state, action, reason, channel, kind, address, received, text, list, outcome, inReplyTo) = row
            guard let channel = RapportCore.Channel(rawValue: channel) else {
                throw .unreadable("inbox", "\(id)", "channel \"\(channel)\"")
            }
            guard let agreements = StoredJSON.identifiers(in: list) else {
                throw .unreadable("inbox", "\(id)", "agreements \(list)")
            }
            return InboxItem(
                id: id, channel: channel, kind: kind, address: address, receivedAt: received, text: text,
                agreements: agreements, why: why, outcome: outcome, inReplyTo: inReplyTo, state: state, action: action,
                reason: reason)
        }
    }

    public func closeInbox(_ id: Int64, action: String, reason: String?, events: [Event], at now: Date)
        async throws(StoreError) -> Bool
    {
        try await transaction { connection in
            let closed = try await connection.count(
                """
                UPDATE inbox SET state = 'done', action = \(action), reason = \(reason), done_at = \(now.sql)
                WHERE id = \(id) AND state = 'open' RETURNING id
                """, logger)
            guard closed > 0 else { return false }
            if !events.isEmpty { try await Self.appendAll(events, at: now, connection, logger) }
            return true
        }
    }

    public func inboundCounts() async throws(StoreError) -> InboundCounts {
        try await transaction { connection in
            var counts: [String: Int] = [:]
            for try await (kind, outcome, count) in try await connection.rows(
                "SELECT kind, outcome, count(*) FROM inbound GROUP BY kind, outcome", logger: logger
            ).decode((String, String, Int).self) {
                counts["\(kind)/\(outcome)"] = count
            }
            var open = 0
            var oldest: Date?
            for try await (count, first) in try await connection.rows(
                """
                SELECT count(*), min(i.received_at)
                FROM inbox x JOIN inbound i ON i.id = x.inbound_id WHERE x.state = 'open'
                """, logger: logger
            ).decode((Int, Date?).self) {
                (open, oldest) = (count, first)
            }
            return InboundCounts(byOutcome: counts, inboxOpen: open, oldestOpen: oldest)
        }
    }
}
