import Foundation

/// Converts between UTC instants and wall-clock dates and times in one time zone.
///
/// Every window is computed here, in local wall-clock time, through `Calendar` (rulebook R6):
/// a day is a calendar date, never 86 400 seconds, so a DST night neither shifts the window
/// by an hour nor doubles it. Away from a transition the answers come from the zone's table of
/// offsets (`ZoneOffsets`), which gives what `Calendar` would, by arithmetic.
public struct ZoneClock: Sendable {
    /// The zone all conversions use.
    public let zone: TimeZone
    private let calendar: Calendar
    private let offsets: ZoneOffsets

    /// A clock for `zone`.
    public init(zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.zone = zone
        self.calendar = calendar
        self.offsets = ZoneOffsets.of(zone)
    }

    /// A clock for the IANA zone `identifier`, or nil when tzdata does not know it.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(zone: zone)
    }

    /// The zone's IANA identifier.
    public var identifier: String { zone.identifier }

    /// The local calendar date at `instant`.
    public func localDate(of instant: Date) -> LocalDate { wallClock(at: instant).date }

    /// The local wall-clock time at `instant`, in whole minutes.
    public func localTime(of instant: Date) -> LocalTime {
        LocalTime(minutes: wallClock(at: instant).second / 60) ?? .midnight
    }

    /// The local date, the second of that day the clock shows, and the zone's offset at
    /// `instant`: from the offset table, or from `Calendar` outside its years.
    private func wallClock(at instant: Date) -> (date: LocalDate, second: Int, offset: Int) {
        if let local = offsets.localSecond(of: instant) {
            // The table starts in 2000: its wall-clock seconds are positive, so `/` is a floor.
            return (
                LocalDate(daysSinceEpoch: local / 86_400), local % 86_400,
                local - Int(instant.timeIntervalSince1970.rounded(.down))
            )
        }
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        let date =
            LocalDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
            ?? LocalDate(daysSinceEpoch: 0)
        let second = (parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0)
        return (date, second, zone.secondsFromGMT(for: instant))
    }

    /// The first instant at which the local clock shows `time` on `date`.
    ///
    /// When DST skips that wall time, the answer is the moment the clock jumps past it, so a
    /// window never opens inside a skipped hour; when DST repeats it, the earlier of the two
    /// instants is taken, so a window is never doubled.
    public func instant(of date: LocalDate, at time: LocalTime) -> Date {
        if time.minutes == 1440 { return instant(of: date.adding(days: 1), at: .midnight) }
        if let instant = offsets.instant(showing: date.daysSinceEpoch * 86_400 + time.minutes * 60) { return instant }
        return calendarInstant(of: date, at: time)
    }

    /// `instant(of:at:)` as `Calendar` answers it: near a transition, and what the table's
    /// answers are checked against.
    func calendarInstant(of date: LocalDate, at time: LocalTime) -> Date {
        let wanted = DateComponents(
            year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute)
        guard let candidate = calendar.date(from: wanted) else {
            return Date(timeIntervalSince1970: Double(date.daysSinceEpoch * 86_400 + time.minutes * 60))
        }
        let shown = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: candidate)
        if shown.year == date.year, shown.month == date.month, shown.day == date.day, shown.hour == time.hour,
            shown.minute == time.minute
        {
            return candidate
        }
        // Skipped wall time: the local clock reaches `time` at the transition itself.
        if let jump = zone.nextDaylightSavingTimeTransition(after: candidate.addingTimeInterval(-4 * 3600)),
            jump <= candidate
        {
            return jump
        }
        return candidate
    }

    /// The instant as RFC 3339 with this zone's offset, e.g. `2026-11-28T10:20:00-06:00`.
    public func rfc3339(_ instant: Date) -> String {
        let (date, seconds, offset) = wallClock(at: instant)
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset) / 60
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(date)T\(pad(seconds / 3600)):\(pad(seconds / 60 % 60)):\(pad(seconds % 60))"
            + "\(sign)\(pad(magnitude / 60)):\(pad(magnitude % 60))"
    }
}
