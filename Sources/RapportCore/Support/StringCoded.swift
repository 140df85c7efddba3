/// A value that travels in JSON as a string and is parsed with the same rules on the way in
/// as at import, so a stored agreement can never hold what an import line could not.
protocol StringCoded: Codable, CustomStringConvertible {
    /// Parses the string form; nil when it breaks the rules.
    init?(_ text: String)
    /// What a valid string looks like, for the decoding error.
    static var expectedForm: String { get }
}

extension StringCoded {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not \(Self.expectedForm)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The value of a run of ASCII digits, or nil if anything else is in it.
func asciiNumber(_ digits: some Collection<UInt8>) -> Int? {
    var value = 0
    for byte in digits {
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
}
