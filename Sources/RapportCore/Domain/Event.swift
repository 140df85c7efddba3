import Foundation

/// Something that happened to an agreement, as imported or recorded; events are append-only.
public struct Event: Sendable, Equatable, Codable {
    public var agreement: Identifier
    public var type: EventType
    public var at: Date
    public var amount: Money?
    public var installment: Identifier?
    /// The promised date, for `promise`.
    public var date: LocalDate?
    public var channel: Channel?
    /// The last local date a pause, breathing space or hardship lasts.
    public var until: LocalDate?
    public var reason: String?
    /// The address an `opt_out`, `opt_in`, `bounce` or `help` concerns (normalised). An opt-out
    /// with an address was asked for by the debtor on it (a keyword reply, an unsubscribe) and
    /// is the only kind a START restores (R33); one without is an operator's or a person's.
    public var address: String?
    /// An opt-out the debtor may be sent one confirmation of (R31): set on one agreement of
    /// those an address belongs to, so a shared number gets one confirmation, not one each.
    public var confirm: Bool?

    public init(
        agreement: Identifier, type: EventType, at: Date, amount: Money? = nil, installment: Identifier? = nil,
        date: LocalDate? = nil, channel: Channel? = nil, until: LocalDate? = nil, reason: String? = nil,
        address: String? = nil, confirm: Bool? = nil
    ) {
        self.agreement = agreement
        self.type = type
        self.at = at
        self.amount = amount
        self.installment = installment
        self.date = date
        self.channel = channel
        self.until = until
        self.reason = reason
        self.address = address
        self.confirm = confirm
    }

    /// The payload without agreement, type and time; two events are the same event when these
    /// four agree (the contract's deduplication rule).
    public var payloadKey: String {
        var parts: [String] = []
        if let amount { parts.append("amount=\(amount)") }
        if let installment { parts.append("installment=\(installment)") }
        if let date { parts.append("date=\(date)") }
        if let channel { parts.append("channel=\(channel.rawValue)") }
        if let until { parts.append("until=\(until)") }
        if let reason { parts.append("reason=\(reason)") }
        if let address { parts.append("address=\(address)") }
        if confirm == true { parts.append("confirm") }
        return parts.joined(separator: "&")
    }

    /// The event as a line of `import events` (the contract's format).
    public func contractJSON() throws -> Data {
        var fields: [String: String] = [
            "agreement": agreement.rawValue, "type": type.rawValue, "at": Timestamp.rfc3339(at),
        ]
        fields["amount"] = amount?.description
        fields["installment"] = installment?.rawValue
        fields["date"] = date?.description
        fields["channel"] = channel?.rawValue
        fields["until"] = until?.description
        fields["reason"] = reason
        fields["address"] = address
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(fields)
    }

    /// Identifies the event for deduplication and for keys such as a payment's thank-you.
    public var identity: String {
        "\(agreement)|\(type.rawValue)|\(Timestamp.rfc3339(at))|\(payloadKey)"
    }
}

/// The contract's event types.
public enum EventType: String, CaseIterable, Codable, Sendable {
    case payment, promise, reply, conversation
    case optOut = "opt_out"
    case optIn = "opt_in"
    case cease, dispute
    case disputeResolved = "dispute_resolved"
    case attorney, bankruptcy
    case breathingSpace = "breathing_space"
    case hardship, deceased, vulnerable, pause, resume
    /// R35: a permanent delivery failure makes `address` unusable on `channel` until it changes.
    case bounce
    /// R32: the debtor asked for help on `channel` from `address`; one answer a day follows.
    case help
}
