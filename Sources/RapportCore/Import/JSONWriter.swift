/// Writes compact JSON byte for byte as `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` does, for the stored form of agreements.
///
/// Why not `JSONEncoder`: encoding one generated agreement through `Codable` took a third of an
/// import line's time (boxing every value into its containers, sorting keys at run time). The
/// stored form must stay byte-identical to what `JSONEncoder` wrote — an unchanged re-import is
/// recognised by comparing it — so the writer keeps its rules: `"`, `\` and control characters
/// escaped (`\b \t \n \f \r`, else `\u00xx` in lower case), everything else as UTF-8.
///
/// The caller writes an object's keys in byte order; `CanonicalAgreementTests` checks every
/// shape against what `JSONEncoder` wrote.
public struct JSONWriter {
    /// The JSON written so far, as UTF-8 (appending bytes is cheaper than appending to a String).
    private var bytes: [UInt8] = []
    /// Whether the next member is the first of its object or array (so no comma before it).
    private var atStart = true

    /// The JSON written so far.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A writer with room for `capacity` bytes, so a text of about that size is never copied
    /// to grow.
    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// `values` as a JSON array of strings: how the store keeps a job's agreements and the
    /// touchpoints it covers.
    public static func strings(_ values: [String]) -> String {
        var json = JSONWriter()
        json.open(.array)
        for value in values { json.string(value) }
        json.close(.array)
        return json.text
    }

    /// Opens an object (`{`) or array (`[`).
    mutating func open(_ bracket: Bracket) {
        separate()
        bytes.append(bracket == .object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        atStart = true
    }

    /// Closes the innermost object or array.
    mutating func close(_ bracket: Bracket) {
        bytes.append(bracket == .object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        atStart = false
    }

    /// Writes an object key; the value written next belongs to it.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
        atStart = true
    }

    /// Writes a string value, escaped as `JSONEncoder` escapes it.
    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        if value.utf8.contains(where: Self.needsEscape) {
            for scalar in value.unicodeScalars { append(escaping: scalar) }
        } else {
            bytes.append(contentsOf: value.utf8)
        }
        bytes.append(UInt8(ascii: "\""))
        atStart = false
    }

    /// Writes `true` or `false`.
    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        atStart = false
    }

    /// Writes `key` and its string value, or nothing when the value is nil (as `Codable`'s
    /// `encodeIfPresent` leaves the key out).
    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    /// Writes `key` and an array of strings, or nothing when it is nil.
    mutating func field(_ name: StaticString, strings values: [String]?) {
        guard let values else { return }
        key(name)
        open(.array)
        for value in values { string(value) }
        close(.array)
    }

    /// The two containers JSON has.
    enum Bracket { case object, array }

    private mutating func separate() {
        if !atStart { bytes.append(UInt8(ascii: ",")) }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func append(escaping scalar: Unicode.Scalar) {
        switch scalar {
        case "\"": bytes.append(contentsOf: "\\\"".utf8)
        case "\\": bytes.append(contentsOf: "\\\\".utf8)
        case "\u{08}": bytes.append(contentsOf: "\\b".utf8)
        case "\t": bytes.append(contentsOf: "\\t".utf8)
        case "\n": bytes.append(contentsOf: "\\n".utf8)
        case "\u{0C}": bytes.append(contentsOf: "\\f".utf8)
        case "\r": bytes.append(contentsOf: "\\r".utf8)
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            bytes.append(contentsOf: ("\\u00" + (hex.count == 1 ? "0" : "") + hex).utf8)
        default: bytes.append(contentsOf: String(scalar).utf8)
        }
    }
}
