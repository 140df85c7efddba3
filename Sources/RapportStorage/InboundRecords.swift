import Foundation
import RapportCore

/// A row of `inbound`: one message a delivery tool handed back, with what it did.
public struct InboundRecord: Codable, Sendable {
    public var id: Int64?
    public var identity: String
    public var channel: String
    public var kind: String
    public var address: String?
    public var receivedAt: Double
    public var text: String
    public var inReplyTo: String?
    public var providerId: String?
    public var outcome: String
    /// JSON array of agreement ids.
    public var agreements: String
    public var recordedAt: Double

    public init(
        identity: String, channel: String, kind: String, address: String?, receivedAt: Double, text: String,
        inReplyTo: String?, providerId: String?, outcome: String, agreements: String, recordedAt: Double
    ) {
        self.identity = identity
        self.channel = channel
        self.kind = kind
        self.address = address
        self.receivedAt = receivedAt
        self.text = text
        self.inReplyTo = inReplyTo
        self.providerId = providerId
        self.outcome = outcome
        self.agreements = agreements
        self.recordedAt = recordedAt
    }
}

/// What waits in the inbox for a person (R34).
public struct InboxItem: Sendable {
    public var id: Int64
    public var channel: Channel
    public var kind: String
    public var address: String?
    public var receivedAt: Date
    public var text: String
    public var agreements: [Identifier]
    public var why: String
    public var outcome: String
    public var inReplyTo: String?
    public var state: String
    public var action: String?
    public var reason: String?

    public init(
        id: Int64, channel: Channel, kind: String, address: String?, receivedAt: Date, text: String,
        agreements: [Identifier], why: String, outcome: String, inReplyTo: String?, state: String, action: String?,
        reason: String?
    ) {
        self.id = id
        self.channel = channel
        self.kind = kind
        self.address = address
        self.receivedAt = receivedAt
        self.text = text
        self.agreements = agreements
        self.why = why
        self.outcome = outcome
        self.inReplyTo = inReplyTo
        self.state = state
        self.action = action
        self.reason = reason
    }
}
