/// A validated identifier for agreements, debtors and installments.
///
/// Identifiers reach file names (job names embed the job id, which is derived from them) and
/// log lines, so they are checked once, at the boundary, against the contract's alphabet:
/// 1–64 characters of `A-Za-z0-9._:-`. Nothing with `/`, `..` alone, NUL or a shell
/// metacharacter can ever become an `Identifier`.
public struct Identifier: Hashable, Comparable, Sendable, StringCoded {
    /// The identifier as written in the import file.
    public let rawValue: String

    /// Accepts `text` when it is 1–64 characters of `A-Za-z0-9._:-` and not `.` or `..`.
    public init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        self.rawValue = text
    }

    /// Whether `text` is acceptable as an identifier.
    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...64).contains(bytes.count), text != ".", text != ".." else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: ":"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    public var description: String { rawValue }

    public static func < (lhs: Identifier, rhs: Identifier) -> Bool { lhs.rawValue < rhs.rawValue }

    static let expectedForm = "a valid id (1-64 of A-Za-z0-9._:-)"
}
