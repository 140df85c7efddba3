import Foundation

/// Any JSON value, read strictly (`JSONReader`), so that the importers can say exactly which field is wrong
/// ("installments[0].amount must be a decimal string") instead of a decoder's generic message.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Parses one line of JSON Lines; the error says why in a few words.
    public static func parse(line: String) throws(ImportError) -> JSONValue {
        guard let value = JSONReader.parse(line) else { throw ImportError("not valid JSON") }
        return value
    }

    /// The JSON type's name, for messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Why one import line (or one recorded event) was refused; `message` names the field.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads typed fields out of a JSON object, naming the field path in every error.
struct FieldReader {
    let fields: JSONObject
    let path: String

    init(_ value: JSONValue, path: String) throws(ImportError) {
        guard case .object(let fields) = value else {
            throw ImportError(path.isEmpty ? "a line must be a JSON object" : "\(path) must be an object")
        }
        self.fields = fields
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Refuses any key but `known`: a misspelt key ("befor", "prefered_channel") would
    /// otherwise be dropped silently, and with it what the debtor asked for.
    func onlyKeys(_ known: [String]) throws(ImportError) {
        // Sorted only to name the same key first whatever the order: most records have none.
        guard fields.hasKey(outside: known),
            let unknown = fields.keys.sorted().first(where: { !known.contains($0) })
        else { return }
        throw ImportError("\(name(unknown)) is not a known key (known: \(known.joined(separator: ", ")))")
    }

    func has(_ key: String) -> Bool {
        if let value = fields[key], value != .null { return true }
        return false
    }

    func string(_ key: String, maxLength: Int = 1000) throws(ImportError) -> String? {
        guard let value = fields[key], value != .null else { return nil }
        guard case .string(let text) = value else {
            throw ImportError("\(name(key)) must be a string, not \(value.typeName)")
        }
        // Counting characters walks grapheme clusters; a text with no more bytes than the limit
        // cannot have more characters, which is every line but the hostile ones.
        guard text.utf8.count <= maxLength || text.count <= maxLength else {
            throw ImportError("\(name(key)) is longer than \(maxLength) characters")
        }
        guard !text.utf8.contains(0) else {
            throw ImportError("\(name(key)) contains a NUL character")
        }
        return text
    }

    func requiredString(_ key: String, maxLength: Int = 1000) throws(ImportError) -> String {
        guard let text = try string(key, maxLength: maxLength) else { throw ImportError("\(name(key)) is missing") }
        guard !Self.isBlank(text) else { throw ImportError("\(name(key)) is empty") }
        return text
    }

    /// Whether `text` is only white space; an ASCII letter or digit answers without Foundation.
    private static func isBlank(_ text: String) -> Bool {
        if text.utf8.contains(where: { $0 < 0x80 && $0 != 0x20 && $0 != 0x09 }) { return false }
        return text.trimmingCharacters(in: .whitespaces).isEmpty
    }

    func bool(_ key: String) throws(ImportError) -> Bool? {
        guard let value = fields[key], value != .null else { return nil }
        guard case .bool(let flag) = value else {
            throw ImportError("\(name(key)) must be true or false, not \(value.typeName)")
        }
        return flag
    }

    func array(_ key: String) throws(ImportError) -> [JSONValue]? {
        guard let value = fields[key], value != .null else { return nil }
        guard case .array(let items) = value else {
            throw ImportError("\(name(key)) must be an array, not \(value.typeName)")
        }
        return items
    }

    func object(_ key: String) throws(ImportError) -> FieldReader? {
        guard let value = fields[key], value != .null else { return nil }
        return try FieldReader(value, path: name(key))
    }

    func identifier(_ key: String) throws(ImportError) -> Identifier? {
        guard let text = try string(key, maxLength: 200) else { return nil }
        guard let id = Identifier(text) else {
            throw ImportError("\(name(key)) must be 1-64 characters of A-Za-z0-9._:-")
        }
        return id
    }

    func money(_ key: String) throws(ImportError) -> Money? {
        guard let value = fields[key], value != .null else { return nil }
        guard case .string(let text) = value else {
            throw ImportError("\(name(key)) must be a decimal string like \"50.00\", not \(value.typeName)")
        }
        guard let money = Money(text) else {
            throw ImportError("\(name(key)) \"\(text.prefix(40))\" is not an amount like \"50.00\"")
        }
        return money
    }

    func date(_ key: String) throws(ImportError) -> LocalDate? {
        guard let text = try string(key, maxLength: 40) else { return nil }
        guard let date = LocalDate(text) else {
            throw ImportError("\(name(key)) \"\(text)\" is not a real date YYYY-MM-DD")
        }
        return date
    }

    func time(_ key: String) throws(ImportError) -> LocalTime? {
        guard let text = try string(key, maxLength: 40) else { return nil }
        guard let time = LocalTime(text) else { throw ImportError("\(name(key)) \"\(text)\" is not a time HH:MM") }
        return time
    }

    func instant(_ key: String) throws(ImportError) -> Date? {
        guard let text = try string(key, maxLength: 60) else { return nil }
        guard let instant = Timestamp.parse(text) else {
            throw ImportError("\(name(key)) \"\(text)\" is not an RFC 3339 time like 2026-12-01T15:00:00Z")
        }
        return instant
    }

    func channel(_ key: String) throws(ImportError) -> Channel? {
        guard let text = try string(key, maxLength: 40) else { return nil }
        return try Self.channel(text, field: name(key))
    }

    static func channel(_ text: String, field: String) throws(ImportError) -> Channel {
        guard let channel = Channel(rawValue: text) else {
            throw ImportError("\(field) \"\(text.prefix(40))\" is not one of sms, email, voice, letter")
        }
        return channel
    }
}
