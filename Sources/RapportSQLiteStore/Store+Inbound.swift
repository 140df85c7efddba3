import Foundation
import GRDB
import RapportCore
import RapportStorage

/// The `agreement_address` table: each agreement's contacts, normalised (R34).
enum AddressIndex {
    /// Removes the rows of agreement `id`.
    static func remove(_ id: Identifier, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM agreement_address WHERE agreement_id = ?").execute(arguments: [
            id.rawValue
        ])
    }

    /// Adds a row for each of `agreement`'s contacts that is an address (not a letter's).
    static func add(_ agreement: Agreement, _ db: Database) throws {
        try add(agreement.id, ImportedAgreement(agreement).addresses, db)
    }

    /// Adds `rows` for agreement `id`.
    static func add(_ id: Identifier, _ rows: [(channel: Channel, address: String)], _ db: Database) throws {
        for (channel, address) in rows {
            try db.cachedStatement(
                sql: "INSERT INTO agreement_address (agreement_id, channel, address) VALUES (?, ?, ?)"
            )
            .execute(arguments: [id.rawValue, channel.rawValue, address])
        }
    }
}

extension InboundRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "inbound"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension SQLiteStore {
    /// The agreements whose contact on `channel` is `address` (normalised).
    public func agreements(using address: String, on channel: Channel) async throws(StoreError) -> [Identifier] {
        try await read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql:
                        """
                        SELECT agreement_id FROM agreement_address WHERE channel = ? AND address = ? ORDER BY
                        agreement_id
                        """
                ),
                arguments: [channel.rawValue, address]
            ).compactMap(Identifier.init)
        }
    }

    /// Whether a message with this identity was already received.
    public func received(_ identity: String) async throws(StoreError) -> Bool {
        try await read { db in try InboundRecord.filter(Column("identity") == identity).fetchCount(db) > 0 }
    }

    /// Records an inbound message and its effects in one transaction: the message, its events
    /// (their agreements made due), the inbox entry, the failed job. A message already
    /// received changes nothing.
    /// - Returns: false when the message had been received before.
    public func receive(
        _ record: InboundRecord, events: [Event], inbox why: String?, failedJob: JobID?, at now: Date
    ) async throws(StoreError) -> Bool {
        try await write { db in
            var record = record
            try record.insert(db, onConflict: .ignore)
            guard db.changesCount > 0, let id = record.id else { return false }
            for event in events {
                try db.cachedStatement(
                    sql:
                        """
                        INSERT OR IGNORE INTO event (agreement_id, type, at, data, identity, recorded_at) VALUES (?, ?,
                        ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    event.agreement.rawValue, event.type.rawValue, event.at.timeIntervalSince1970,
                    try StoredJSON.encode(event),
                    event.identity, now.timeIntervalSince1970,
                ])
                try Self.makeDueRevised(event.agreement, db)
            }
            if let why {
                try db.execute(sql: "INSERT INTO inbox (inbound_id, why) VALUES (?, ?)", arguments: [id, why])
            }
            if let failedJob {
                try db.execute(
                    sql: """
                        UPDATE job SET state = 'failed', detail =
                        'R35: temporary delivery failure reported after delivery', updated_at = ?
                        WHERE id = ? AND state IN (\(JobState.mayHaveGone.sqlList))
                        """,
                    arguments: [now.timeIntervalSince1970, failedJob.rawValue])
            }
            return true
        }
    }

    /// The inbox: what waits for a person (`open`), or everything.
    public func inbox(openOnly: Bool = true) async throws(StoreError) -> [InboxItem] {
        try await read { db in
            try Row.fetchAll(db, sql: Self.inboxSQL + (openOnly ? " WHERE x.state = 'open'" : "") + " ORDER BY x.id")
                .map(Self.inboxItem)
        }
    }

    /// One inbox entry.
    public func inboxItem(_ id: Int64) async throws(StoreError) -> InboxItem? {
        try await read { db in
            try Row.fetchOne(db, sql: Self.inboxSQL + " WHERE x.id = ?", arguments: [id]).map(Self.inboxItem)
        }
    }

    /// Closes an open inbox entry with a person's action, recording the events it means.
    /// - Returns: false when the entry is not open.
    public func closeInbox(_ id: Int64, action: String, reason: String?, events: [Event], at now: Date)
        async throws(StoreError) -> Bool
    {
        try await write { db in
            try db.execute(
                sql:
                    """
                    UPDATE inbox SET state = 'done', action = ?, reason = ?, done_at = ? WHERE id = ? AND state = 'open'
                    """,
                arguments: [action, reason, now.timeIntervalSince1970, id])
            guard db.changesCount > 0 else { return false }
            for event in events {
                try db.execute(
                    sql:
                        """
                        INSERT OR IGNORE INTO event (agreement_id, type, at, data, identity, recorded_at) VALUES (?, ?,
                        ?, ?, ?, ?)
                        """,
                    arguments: [
                        event.agreement.rawValue, event.type.rawValue, event.at.timeIntervalSince1970,
                        try StoredJSON.encode(event),
                        event.identity, now.timeIntervalSince1970,
                    ])
                try Self.makeDueRevised(event.agreement, db)
            }
            return true
        }
    }

    /// Inbound messages by kind and outcome, and the inbox's depth, for metrics and `status`.
    public func inboundCounts() async throws(StoreError) -> InboundCounts {
        try await read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT kind, outcome, count(*) AS n FROM inbound GROUP BY kind, outcome")
            {
                counts["\(row["kind"] as String)/\(row["outcome"] as String)"] = row["n"]
            }
            let open = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) AS n, min(i.received_at) AS oldest
                    FROM inbox x JOIN inbound i ON i.id = x.inbound_id WHERE x.state = 'open'
                    """)
            let oldest: Double? = open?["oldest"]
            return InboundCounts(
                byOutcome: counts, inboxOpen: open?["n"] ?? 0, oldestOpen: oldest.map(Date.init(timeIntervalSince1970:))
            )
        }
    }

    private static let inboxSQL = """
        SELECT x.id, x.why, x.state, x.action, x.reason, i.channel, i.kind, i.address, i.received_at, i.text,
               i.agreements, i.outcome, i.in_reply_to
        FROM inbox x JOIN inbound i ON i.id = x.inbound_id
        """

    /// An inbox entry with its message; one that cannot be read is an error naming it.
    private static func inboxItem(_ row: Row) throws(StoreError) -> InboxItem {
        let id: Int64 = row["id"]
        let text: String = row["channel"]
        guard let channel = Channel(rawValue: text) else { throw .unreadable("inbox", "\(id)", "channel \"\(text)\"") }
        let list: String = row["agreements"]
        guard let agreements = StoredJSON.identifiers(in: list) else {
            throw .unreadable("inbox", "\(id)", "agreements \(list)")
        }
        return InboxItem(
            id: row["id"], channel: channel, kind: row["kind"], address: row["address"],
            receivedAt: Date(timeIntervalSince1970: row["received_at"]), text: row["text"], agreements: agreements,
            why: row["why"],
            outcome: row["outcome"], inReplyTo: row["in_reply_to"], state: row["state"], action: row["action"],
            reason: row["reason"])
    }
}
