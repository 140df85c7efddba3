/// A job's id: `j-` and 32 hex digits, derived from the touchpoint it serves and the attempt,
/// so the same touchpoint planned again after a crash gets the same id and the spool never a
/// second file for one job. A value, not a string: it cannot be mixed up with an agreement id
/// or a file name, and it never carries a path into the spool.
public struct JobID: Hashable, Comparable, Sendable, StringCoded {
    public let rawValue: String

    /// Accepts `text` when it has the shape of a job id this project issues.
    public init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        rawValue = text
    }

    /// The id of attempt `attempt` at `touchpoint`.
    public init(touchpoint: TouchpointKey, attempt: Int) {
        rawValue = "j-" + StableHash.hex("\(touchpoint)#\(attempt)")
    }

    public var description: String { rawValue }

    static let expectedForm = "a job id: j- and 32 lowercase hex digits"

    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether `text` is `j-` and 32 lowercase hex digits.
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 34 && text.hasPrefix("j-")
            && text.utf8.dropFirst(2).allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }
}
