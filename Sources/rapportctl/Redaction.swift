import RapportCore

/// Addresses shown to operators without exposing them in screenshots and tickets.
enum Redaction {
    static func redact(_ address: String, channel: Channel) -> String {
        switch channel {
        case .sms, .voice:
            guard address.count > 6 else { return "•••" }
            return String(address.prefix(4)) + String(repeating: "•", count: address.count - 6)
                + String(address.suffix(2))
        case .email:
            guard let at = address.firstIndex(of: "@") else { return "•••" }
            return String(address.prefix(1)) + "•••" + String(address[at...])
        case .letter:
            return "(postal address hidden)"
        }
    }
}
