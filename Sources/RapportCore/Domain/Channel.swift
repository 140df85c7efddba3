/// A way to reach a debtor; each one is served by a separate delivery tool reading the spool.
public enum Channel: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case sms
    case email
    case voice
    case letter

    /// Whether the send moment of this channel is bound by the contact window (R1). A letter
    /// is printed and posted, so its timing is not a contact at a time of day; it still obeys
    /// the pacing rules like every other contact.
    public var isTimeBound: Bool { self != .letter }

    public static func < (lhs: Channel, rhs: Channel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
