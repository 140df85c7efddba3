import Foundation

/// One outbound message as the contract's job file: what the delivery tool sends, to whom,
/// in which interval, and why.
public struct Job: Sendable, Equatable, Codable {
    /// The job file format version.
    public var version = 1
    public var id: JobID
    public var agreement: Identifier
    public var agreements: [Identifier]
    public var debtor: Identifier
    public var kind: ContactKind
    public var channel: Channel
    public var to: String
    public var locale: String
    public var timezone: String
    public var notBefore: Date
    public var notAfter: Date
    public var localTime: String
    public var subject: String?
    public var body: String
    /// SMS only (R36): the encoding the body travels in and its billed segments.
    public var encoding: SMSLength.Encoding?
    public var segments: Int?
    public var reason: String
    public var createdAt: Date
    /// Only in `simulate` output: when the simulated delivery happened.
    public var deliveredAt: Date?

    public init(contact: PlannedContact, locale: String, subject: String?, body: String, createdAt: Date) {
        self.id = contact.jobID
        self.agreement = contact.agreement
        self.agreements = contact.agreements
        self.debtor = contact.debtor.id
        self.kind = contact.kind
        self.channel = contact.channel
        self.to = contact.to
        self.locale = locale
        self.timezone = contact.timezone
        self.notBefore = contact.notBefore
        self.notAfter = contact.notAfter
        self.localTime = contact.localTime
        self.subject = subject
        self.body = body
        if contact.channel == .sms {
            let length = SMSLength(measuring: body)
            self.encoding = length.encoding
            self.segments = length.segments
        }
        self.reason = contact.reason
        self.createdAt = createdAt
    }

    /// The spool file name (`JobFileName`).
    public var fileName: String { Self.fileName(notBefore: notBefore, channel: channel, id: id) }

    /// The file name for a job with these fields.
    public static func fileName(notBefore: Date, channel: Channel, id: JobID) -> String {
        JobFileName(notBefore: notBefore, channel: channel, id: id).description
    }

    /// The job as the bytes of its spool file: one JSON object, keys sorted, so the same job
    /// always gives the same bytes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Reads a job file.
    public static func decode(_ data: Data) throws -> Job {
        try JSONDecoder().decode(Job.self, from: data)
    }

    enum CodingKeys: String, CodingKey {
        case version, id, agreement, agreements, debtor, kind, channel, to, locale, timezone
        case notBefore = "not_before"
        case notAfter = "not_after"
        case localTime = "local_time"
        case subject, body, encoding, segments, reason
        case createdAt = "created_at"
        case deliveredAt = "delivered_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func instant(_ key: CodingKeys) throws -> Date {
            let text = try c.decode(String.self, forKey: key)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not an RFC 3339 time")
            }
            return date
        }
        version = try c.decode(Int.self, forKey: .version)
        id = try c.decode(JobID.self, forKey: .id)
        agreement = try c.decode(Identifier.self, forKey: .agreement)
        agreements = try c.decode([Identifier].self, forKey: .agreements)
        debtor = try c.decode(Identifier.self, forKey: .debtor)
        kind = try c.decode(ContactKind.self, forKey: .kind)
        channel = try c.decode(Channel.self, forKey: .channel)
        to = try c.decode(String.self, forKey: .to)
        locale = try c.decode(String.self, forKey: .locale)
        timezone = try c.decode(String.self, forKey: .timezone)
        notBefore = try instant(.notBefore)
        notAfter = try instant(.notAfter)
        localTime = try c.decode(String.self, forKey: .localTime)
        subject = try c.decodeIfPresent(String.self, forKey: .subject)
        body = try c.decode(String.self, forKey: .body)
        encoding = try c.decodeIfPresent(SMSLength.Encoding.self, forKey: .encoding)
        segments = try c.decodeIfPresent(Int.self, forKey: .segments)
        reason = try c.decode(String.self, forKey: .reason)
        createdAt = try instant(.createdAt)
        deliveredAt = try c.contains(.deliveredAt) ? instant(.deliveredAt) : nil
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(id, forKey: .id)
        try c.encode(agreement, forKey: .agreement)
        try c.encode(agreements, forKey: .agreements)
        try c.encode(debtor, forKey: .debtor)
        try c.encode(kind, forKey: .kind)
        try c.encode(channel, forKey: .channel)
        try c.encode(to, forKey: .to)
        try c.encode(locale, forKey: .locale)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(Timestamp.rfc3339(notBefore), forKey: .notBefore)
        try c.encode(Timestamp.rfc3339(notAfter), forKey: .notAfter)
        try c.encode(localTime, forKey: .localTime)
        try c.encode(subject, forKey: .subject)
        try c.encode(body, forKey: .body)
        try c.encodeIfPresent(encoding, forKey: .encoding)
        try c.encodeIfPresent(segments, forKey: .segments)
        try c.encode(reason, forKey: .reason)
        try c.encode(Timestamp.rfc3339(createdAt), forKey: .createdAt)
        if let deliveredAt { try c.encode(Timestamp.rfc3339(deliveredAt), forKey: .deliveredAt) }
    }
}
