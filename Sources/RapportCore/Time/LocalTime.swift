/// A wall-clock time of day (`HH:MM`), counted in minutes after local midnight.
public struct LocalTime: Hashable, Comparable, Sendable, StringCoded {
    /// Minutes after midnight, 0...1440 (24:00 closes a day).
    public let minutes: Int

    /// The start of a local day.
    public static let midnight = LocalTime(checked: 0)

    private init(checked minutes: Int) { self.minutes = minutes }

    /// `minutes` after midnight, when within a day.
    public init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// Parses `HH:MM` with 00 ≤ HH ≤ 24 and 00 ≤ MM ≤ 59 (24:00 only as an end of day).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0
        else { return nil }
        self.minutes = hour * 60 + minute
    }

    public var hour: Int { minutes / 60 }
    public var minute: Int { minutes % 60 }

    public var description: String {
        (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minutes < rhs.minutes }

    static let expectedForm = "a time HH:MM"
}
