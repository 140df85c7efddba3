import Foundation

/// Turns one JSON Lines record of `rapportctl import events` (or a `record` command) into a
/// validated `Event`, checking that each type carries what it needs.
public enum EventImport {
    /// Validates one line.
    public static func parse(line: String) throws(ImportError) -> Event {
        try parse(try JSONValue.parse(line: line))
    }

    /// Validates one decoded record.
    public static func parse(_ value: JSONValue) throws(ImportError) -> Event {
        let root = try FieldReader(value, path: "")
        try root.onlyKeys([
            "agreement", "type", "at", "amount", "installment", "date", "channel", "until", "reason", "address",
        ])
        guard let agreement = try root.identifier("agreement") else { throw ImportError("agreement is missing") }
        guard let typeName = try root.string("type", maxLength: 40) else { throw ImportError("type is missing") }
        guard let type = EventType(rawValue: typeName) else {
            throw ImportError(
                "type \"\(typeName.prefix(40))\" is not one of "
                    + "\(EventType.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard let at = try root.instant("at") else { throw ImportError("at is missing") }
        let event = Event(
            agreement: agreement, type: type, at: at, amount: try root.money("amount"),
            installment: try root.identifier("installment"), date: try root.date("date"),
            channel: try root.channel("channel"), until: try root.date("until"),
            reason: try root.string("reason", maxLength: 500), address: try root.string("address", maxLength: 320))
        try validate(event)
        return event
    }

    /// Checks that `event` carries what its type needs: the same rules for imported and
    /// recorded events.
    public static func validate(_ event: Event) throws(ImportError) {
        switch event.type {
        case .payment:
            guard let amount = event.amount else { throw ImportError("a payment needs amount") }
            guard amount > .zero else { throw ImportError("amount of a payment must be more than 0") }
        case .promise:
            guard event.date != nil else { throw ImportError("a promise needs date (YYYY-MM-DD)") }
        case .optOut, .optIn:
            guard event.channel != nil else { throw ImportError("\(event.type.rawValue) needs channel") }
        case .bounce, .help:
            guard event.channel != nil, event.address != nil else {
                throw ImportError("\(event.type.rawValue) needs channel and address")
            }
        case .hardship:
            guard event.until != nil else { throw ImportError("hardship needs until (YYYY-MM-DD)") }
        default:
            break
        }
    }
}
