import Foundation
import RapportCore

/// One debtor's rows as a store read them, before decoding, each with its table's key so an
/// error can name it. Every store reads the same columns; decoding them — most of a read's
/// time — is the same code for all, and runs after the store's transaction, on every core.
public struct PortfolioRows: Sendable {
    public var agreements: [(id: String, data: String, scheduleChangedAt: Date?)]
    public var events: [(id: Int64, data: String)]
    public var history: [JobHistoryRow]
    public var adjustments: [(id: Int64, agreement: String, data: String)]
    public var revision: Int64

    public init(
        agreements: [(id: String, data: String, scheduleChangedAt: Date?)] = [],
        events: [(id: Int64, data: String)] = [],
        history: [JobHistoryRow] = [], adjustments: [(id: Int64, agreement: String, data: String)] = [],
        revision: Int64 = 0
    ) {
        self.agreements = agreements
        self.events = events
        self.history = history
        self.adjustments = adjustments
        self.revision = revision
    }

    /// The planner's portfolio; a row that cannot be read is an error naming it, never a row
    /// skipped, since pacing (R7–R9) is judged from the whole history.
    public func decoded() throws(StoreError) -> Portfolio {
        var merged: [Identifier: Adjustment] = [:]
        for (id, agreement, data) in adjustments {
            guard let key = Identifier(agreement) else {
                throw .unreadable("adjustment", "\(id)", "agreement \"\(agreement)\"")
            }
            let later = try Self.decode(Adjustment.self, data, table: "adjustment", row: "\(id)")
            merged[key] = merged[key].map { $0.merging(later) } ?? later
        }
        return Portfolio(
            agreements: try agreements.map { row throws(StoreError) in
                var agreement = try StoredJSON.agreement(from: row.data, row: row.id)
                agreement.scheduleChangedAt = row.scheduleChangedAt
                return agreement
            },
            events: try events.map { row throws(StoreError) in
                try Self.decode(Event.self, row.data, table: "event", row: "\(row.id)")
            },
            history: try history.map { row throws(StoreError) in try row.contactRecord() }, adjustments: merged,
            revision: revision)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ data: String, table: String, row: String)
        throws(StoreError) -> T
    {
        do { return try StoredJSON.decode(type, from: data) } catch {
            throw .unreadable(table, row, "not a stored \(table): \(error)")
        }
    }
}

/// A `job` row as the planner's history needs it, in the store's own text.
public struct JobHistoryRow: Sendable {
    public var id: String
    public var touchpoint: String
    public var covers: String
    public var agreements: String
    public var kind: String
    public var channel: String
    public var notBefore: Date
    public var notAfter: Date
    public var state: String
    public var timezone: String
    public var recipient: String
    public var statement: String?

    public init(
        id: String, touchpoint: String, covers: String, agreements: String, kind: String, channel: String,
        notBefore: Date, notAfter: Date, state: String, timezone: String, recipient: String, statement: String?
    ) {
        self.id = id
        self.touchpoint = touchpoint
        self.covers = covers
        self.agreements = agreements
        self.kind = kind
        self.channel = channel
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.state = state
        self.timezone = timezone
        self.recipient = recipient
        self.statement = statement
    }

    /// The row as the planner sees it; a kind, channel or state this program does not know is
    /// an error naming the job, not a gap in the history.
    public func contactRecord() throws(StoreError) -> ContactRecord {
        guard let jobID = JobID(id) else { throw .unreadable("job", id, "not a job id") }
        func column<T>(_ name: String, _ text: String, _ parse: (String) -> T?) throws(StoreError) -> T {
            guard let value = parse(text) else { throw .unreadable("job", id, "\(name) \"\(text)\"") }
            return value
        }
        var record = ContactRecord(
            jobID: jobID, touchpoint: TouchpointKey(rawValue: touchpoint),
            agreements: try column("agreements", agreements, StoredJSON.identifiers(in:)),
            kind: try column("kind", kind, ContactKind.init(rawValue:)),
            channel: try column("channel", channel, Channel.init(rawValue:)), notBefore: notBefore,
            notAfter: notAfter, state: try column("state", state, JobState.init(rawValue:)), timezone: timezone,
            recipient: recipient)
        record.covers = try column("covers", covers) { StoredJSON.strings(in: $0) }.map(TouchpointKey.init(rawValue:))
        record.statement = statement
        return record
    }
}
