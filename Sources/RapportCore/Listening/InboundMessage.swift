import Foundation

/// What a debtor sent back, handed to Rapport by a delivery tool (contract, "Replies in"): an
/// SMS or e-mail reply, a dialer's note of what was said on a call, a bounce, an unsubscribe.
public struct InboundMessage: Sendable, Equatable {
    /// The contract's `kind`.
    public enum Kind: String, Sendable, CaseIterable {
        case message, bounce, unsubscribe
    }

    public var channel: Channel
    public var kind: Kind
    /// The sender: a phone number or an e-mail address, as the tool saw it.
    public var from: String?
    /// The address it was sent to (our number or mailbox).
    public var to: String?
    public var receivedAt: Date
    public var text: String
    /// The job it answers, when the tool knows.
    public var inReplyTo: String?
    public var providerID: String?
    /// A bounce's or an unsubscribe's address: the debtor's address that failed or asked out.
    public var recipient: String?
    /// A bounce's DSN status, `5.1.1` (permanent) or `4.2.2` (temporary).
    public var status: String?
    public var detail: String?

    public init(
        channel: Channel, kind: Kind = .message, from: String?, to: String? = nil, receivedAt: Date, text: String = "",
        inReplyTo: String? = nil, providerID: String? = nil, recipient: String? = nil, status: String? = nil,
        detail: String? = nil
    ) {
        self.channel = channel
        self.kind = kind
        self.from = from
        self.to = to
        self.receivedAt = receivedAt
        self.text = text
        self.inReplyTo = inReplyTo
        self.providerID = providerID
        self.recipient = recipient
        self.status = status
        self.detail = detail
    }

    /// The address the message is about: the sender of a reply, the recipient of a bounce or
    /// an unsubscribe, normalised (R34).
    public var address: String? {
        (kind == .message ? from : recipient ?? from).flatMap { Address.normalised($0, channel: channel) }
    }

    /// What makes two arrivals the same message (rulebook §6: one effect however often it
    /// arrives): the provider's id when given, else channel, sender, time and text.
    public var identity: String {
        if let providerID { return "provider:\(channel.rawValue):\(providerID)" }
        let parts = [channel.rawValue, kind.rawValue, from ?? "", recipient ?? "", Timestamp.rfc3339(receivedAt), text]
        return "content:" + StableHash.hex(parts.joined(separator: "\u{1F}"))
    }

    /// The message as the contract's JSON object: what a delivery tool writes into `in/`.
    public func contractJSON() throws -> Data {
        var fields: [String: Any] = [
            "version": 1, "channel": channel.rawValue, "kind": kind.rawValue,
            "received_at": Timestamp.rfc3339(receivedAt),
            "text": text,
        ]
        for (key, value) in [
            ("from", from), ("to", to), ("in_reply_to", inReplyTo), ("provider_id", providerID),
            ("recipient", recipient),
            ("status", status), ("detail", detail),
        ] {
            if let value { fields[key] = value }
        }
        return try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Whether a bounce is permanent (DSN class 5) rather than temporary (class 4).
    public var isPermanentFailure: Bool { status?.hasPrefix("5") == true }
}

/// Reads inbound messages from the contract's JSON (a file in `in/`, or a line of `rapportctl
/// inbound`), naming the field at fault. Fields it does not know are ignored, so a gateway's
/// extras never turn a STOP into a bad file.
public enum InboundImport {
    /// Validates one JSON object.
    public static func parse(line: String) throws(ImportError) -> InboundMessage {
        let root = try FieldReader(try JSONValue.parse(line: line), path: "")
        if let version = root.fields["version"], version != .number(1) {
            throw ImportError("version must be 1")
        }
        guard let channelName = try root.string("channel", maxLength: 40) else {
            throw ImportError("channel is missing")
        }
        let channel = try FieldReader.channel(channelName, field: "channel")
        guard channel != .letter else { throw ImportError("channel must be sms, email or voice") }
        let kindName = try root.string("kind", maxLength: 40) ?? "message"
        guard let kind = InboundMessage.Kind(rawValue: kindName) else {
            throw ImportError("kind \"\(kindName.prefix(40))\" is not one of message, bounce, unsubscribe")
        }
        guard let receivedAt = try root.instant("received_at") else { throw ImportError("received_at is missing") }
        let message = InboundMessage(
            channel: channel, kind: kind, from: try root.string("from", maxLength: 320),
            to: try root.string("to", maxLength: 320),
            receivedAt: receivedAt, text: try root.string("text", maxLength: 20_000) ?? "",
            inReplyTo: try root.string("in_reply_to", maxLength: 100),
            providerID: try root.string("provider_id", maxLength: 200),
            recipient: try root.string("recipient", maxLength: 320), status: try root.string("status", maxLength: 20),
            detail: try root.string("detail", maxLength: 2000))
        try validate(message)
        return message
    }

    static func validate(_ message: InboundMessage) throws(ImportError) {
        switch message.kind {
        case .message:
            guard message.from?.isEmpty == false else { throw ImportError("from is missing") }
        case .bounce:
            guard message.recipient?.isEmpty == false else { throw ImportError("a bounce needs recipient") }
            guard let status = message.status,
                status.range(of: #"^[245]\.\d{1,3}\.\d{1,3}$"#, options: .regularExpression) != nil
            else { throw ImportError("a bounce needs status, a DSN code like 5.1.1") }
        case .unsubscribe:
            guard message.recipient?.isEmpty == false || message.from?.isEmpty == false else {
                throw ImportError("an unsubscribe needs recipient")
            }
        }
        if message.kind != .message, message.channel != .email {
            throw ImportError("\(message.kind.rawValue) is for channel email")
        }
        if let job = message.inReplyTo, !JobID.isValid(job) {
            throw ImportError("in_reply_to is not a job id (j- and 32 hex digits)")
        }
    }
}
