import Foundation
import Synchronization

/// One zone's UTC offsets from 2000 to 2100 as a table of spans, read from tzdata once per
/// process: the fast path of `ZoneClock`.
///
/// A plan asks a zone for local dates, times and instants hundreds of times, and each
/// `Calendar` answer builds `DateComponents` and asks ICU for the offset (a fifth of a plan's
/// time, profiled). Between two transitions a zone's offset is constant, so there a local date
/// is plain arithmetic on the offset, and so is the instant of a local time when no transition
/// is within a day of it. `ZoneClock` takes `Calendar`'s answer near a transition and outside
/// the table's years; the tests compare both answers over every zone tzdata knows.
final class ZoneOffsets: Sendable {
    /// The first instant (seconds since 1970) of each span, ascending.
    private let starts: [Int]
    /// Seconds east of UTC in each span.
    private let offsets: [Int]
    /// Instants at or after `end` fall outside the table.
    private let end: Int

    /// The widest distance between an instant and the wall time it shows: UTC−12 to UTC+14.
    private static let widestOffset = 14 * 3600

    private static let cache = Mutex<[String: ZoneOffsets]>([:])

    /// The table of `zone`, built on first use and shared by every clock of that zone.
    static func of(_ zone: TimeZone) -> ZoneOffsets {
        if let known = cache.withLock({ $0[zone.identifier] }) { return known }
        let built = ZoneOffsets(zone: zone)
        return cache.withLock { cache in
            if let known = cache[zone.identifier] { return known }
            cache[zone.identifier] = built
            return built
        }
    }

    private init(zone: TimeZone) {
        let first = 946_684_800  // 2000-01-01T00:00:00Z
        end = 4_102_444_800  // 2100-01-01T00:00:00Z
        var starts = [first]
        var offsets = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(first)))]
        var after = Date(timeIntervalSince1970: Double(first))
        while let next = zone.nextDaylightSavingTimeTransition(after: after), next.timeIntervalSince1970 < Double(end),
            next > after
        {
            let offset = zone.secondsFromGMT(for: next)
            if offset != offsets[offsets.count - 1] {
                starts.append(Int(next.timeIntervalSince1970.rounded(.down)))
                offsets.append(offset)
            }
            after = next
        }
        self.starts = starts
        self.offsets = offsets
    }

    /// The span holding `second`, or nil outside the table.
    private func span(holding second: Int) -> Int? {
        guard second >= starts[0], second < end else { return nil }
        var low = 0
        var high = starts.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if starts[middle] <= second { low = middle } else { high = middle }
        }
        return low
    }

    /// The wall-clock second (seconds since 1970 as if local time were UTC) at `instant`, or
    /// nil outside the table.
    func localSecond(of instant: Date) -> Int? {
        let second = Int(instant.timeIntervalSince1970.rounded(.down))
        return span(holding: second).map { second + offsets[$0] }
    }

    /// The one instant showing the wall-clock second `local`, or nil when a transition is close
    /// enough that the wall time may be skipped or repeated (or outside the table): then only
    /// `Calendar` decides.
    func instant(showing local: Int) -> Date? {
        guard let span = span(holding: local - Self.widestOffset),
            span == self.span(holding: local + Self.widestOffset)
        else { return nil }
        return Date(timeIntervalSince1970: Double(local - offsets[span]))
    }
}
