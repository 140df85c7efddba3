import Foundation

/// The contract's wire format for instants: RFC 3339 in UTC, to the second
/// (`2026-12-01T15:00:00Z`), and the compact form used in spool file names
/// (`20261201T150000Z`).
public enum Timestamp {
    /// `instant` as `2026-12-01T15:00:00Z`.
    public static func rfc3339(_ instant: Date) -> String {
        let (date, seconds) = split(instant)
        return "\(date)T\(pad(seconds / 3600)):\(pad(seconds / 60 % 60)):\(pad(seconds % 60))Z"
    }

    /// `instant` as `20261201T150000Z`, which sorts in time order.
    public static func compact(_ instant: Date) -> String {
        let (date, seconds) = split(instant)
        let day = date.description.replacingOccurrences(of: "-", with: "")
        return "\(day)T\(pad(seconds / 3600))\(pad(seconds / 60 % 60))\(pad(seconds % 60))Z"
    }

    /// Parses the compact `20261201T150000Z` form of spool file names.
    public static func parseCompact(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
            let year = asciiNumber(bytes[0..<4]), let month = asciiNumber(bytes[4..<6]),
            let day = asciiNumber(bytes[6..<8]),
            let date = LocalDate(year: year, month: month, day: day),
            let hour = asciiNumber(bytes[9..<11]), let minute = asciiNumber(bytes[11..<13]),
            let second = asciiNumber(bytes[13..<15]),
            hour < 24, minute < 60, second < 60
        else { return nil }
        return Date(timeIntervalSince1970: Double(date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// Parses RFC 3339 with `Z` or a numeric offset, with optional fractional seconds.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            let date = LocalDate(String(decoding: bytes[0..<10], as: UTF8.self)),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = asciiNumber(bytes[11..<13]), let minute = asciiNumber(bytes[14..<16]),
            let second = asciiNumber(bytes[17..<19]), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            var scale = 0.1
            index += 1
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let oh = asciiNumber(bytes[(index + 1)..<(index + 3)]),
                let om = asciiNumber(bytes[(index + 4)..<(index + 6)]),
                oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func split(_ instant: Date) -> (LocalDate, Int) {
        let total = Int(instant.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(total) / 86_400).rounded(.down))
        return (LocalDate(daysSinceEpoch: days), total - days * 86_400)
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
