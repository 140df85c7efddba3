/// A JSON object's members in the order they were read; a key given twice means its last value,
/// as in a dictionary.
///
/// Why not `[String: JSONValue]`: a line of an agreements file holds some sixteen objects of one
/// to ten keys each, and hashing every key into a fresh dictionary was a fifth of an import's
/// CPU. The readers look up a fixed handful of keys in each, where comparing a few short strings
/// costs less than hashing them; a hostile object of many keys costs its reader no more than
/// one pass per key it knows.
public struct JSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// The members as read, duplicates included.
    private var members: [(key: String, value: JSONValue)]

    /// An empty object with room for `capacity` members.
    init(capacity: Int) {
        members = []
        members.reserveCapacity(capacity)
    }

    /// The members of `dictionary`.
    public init(_ dictionary: [String: JSONValue]) {
        members = dictionary.map { ($0.key, $0.value) }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = elements.map { ($0.0, $0.1) }
    }

    /// Adds a member read after the others.
    mutating func append(_ key: String, _ value: JSONValue) { members.append((key, value)) }

    /// The value of `key`'s last member, or nil when it has none.
    public subscript(key: String) -> JSONValue? {
        members.last { $0.key == key }?.value
    }

    /// Each key once, in the order first read.
    public var keys: [String] {
        var seen: Set<String> = []
        return members.compactMap { seen.insert($0.key).inserted ? $0.key : nil }
    }

    /// Whether any key is not in `known` (without building `keys`: nearly every record has none).
    func hasKey(outside known: [String]) -> Bool {
        members.contains { !known.contains($0.key) }
    }

    /// Equal when both have the same keys with the same values, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        let keys = lhs.keys
        return keys.count == rhs.keys.count && keys.allSatisfy { lhs[$0] == rhs[$0] }
    }
}
