import Foundation

/// The times at which one debtor may be contacted: the daily window (R1 hard hours, narrowed
/// by the policy's R4 window and the debtor's own R5 limits), on allowed weekdays that are not
/// holidays, in *every* candidate zone at once (R2).
public struct ContactWindows: Sendable {
    /// One allowed stretch of time, in UTC.
    public struct Opening: Sendable, Equatable {
        /// When the window opened that day in all zones (before clipping to the search start).
        public var opensAt: Date
        /// The earliest usable instant (≥ the search start).
        public var start: Date
        /// When the window closes in the first zone to close.
        public var end: Date
    }

    /// The candidate zones; their windows are intersected.
    public let clocks: [ZoneClock]
    /// The local daily window, already clamped to the HARD 08:00–21:00.
    public let dailyStart: LocalTime
    public let dailyEnd: LocalTime
    public let days: Set<Weekday>
    public let holidays: HolidayCalendar
    /// Openings shorter than this are useless to a delivery tool and skipped.
    public let minimumLength: TimeInterval

    /// How far ahead a search looks before concluding there is no common window.
    static let horizonDays = 120

    /// The windows for `clocks` under `policy`, narrowed by the debtor's `inconvenient` times.
    public init(clocks: [ZoneClock], policy: Policy, inconvenient: Inconvenience?) {
        var start = max(policy.windowStart, HardLimits.earliest)
        var end = min(policy.windowEnd, HardLimits.latest)
        var days = policy.days
        if let inconvenient {
            if let before = inconvenient.before { start = max(start, before) }
            if let after = inconvenient.after { end = min(end, after) }
            days.subtract(inconvenient.days)
        }
        self.clocks = clocks
        self.dailyStart = start
        self.dailyEnd = end
        self.days = days
        self.holidays = policy.holidays
        self.minimumLength = TimeInterval(policy.minimumSendMinutes * 60)
    }

    /// The window as `explain` shows it, with the rules that make it: R1's hard hours, the
    /// policy's window and days (R4), the debtor's own limits (R5), each day in local wall-clock
    /// time (R6), intersected over every candidate zone (R2).
    public var summary: String {
        "window \(dailyStart)-\(dailyEnd) local on "
            + Weekday.allCases.filter(days.contains).map(\.rawValue).joined(separator: ",")
            + " (R1 hours, R4 policy, R5 debtor; R6 each day's local time"
            + (clocks.count > 1 ? ", R2 in every candidate zone)" : ")")
    }

    /// Why `date` is closed in one zone, or nil when it is a contact day.
    public func closure(of date: LocalDate) -> String? {
        if !days.contains(date.weekday) { return "\(date.weekday.rawValue) is not a contact day (R4/R5)" }
        if let name = holidays.holiday(on: date) { return "\(date) is a holiday: \(name) (R4)" }
        return nil
    }

    /// Whether a send interval lies wholly inside the window of one contact day in every
    /// candidate zone: what a waiting job must still satisfy after the debtor's designated
    /// times change (R5, R18).
    public func contains(from start: Date, until end: Date) -> Bool {
        clocks.allSatisfy { clock in
            let day = clock.localDate(of: start)
            return closure(of: day) == nil && clock.localDate(of: end) == day
                && clock.localTime(of: start) >= dailyStart
                && clock.localTime(of: end) <= dailyEnd
        }
    }

    /// The first opening that starts at or after `instant` (clipped to it) and is at least
    /// `minimumLength` long in every zone, or nil when none exists within the horizon — for
    /// example when candidate zones are so far apart that their windows never overlap (R2).
    public func nextOpening(from instant: Date) -> Opening? {
        guard !clocks.isEmpty, dailyStart < dailyEnd, !days.isEmpty else { return nil }
        let limit = instant.addingTimeInterval(TimeInterval(Self.horizonDays * 86_400))
        var cursor = instant
        while cursor < limit {
            var opensAt = Date.distantPast
            var end = Date.distantFuture
            for clock in clocks {
                guard let interval = dayWindow(in: clock, containingOrAfter: cursor) else { return nil }
                opensAt = max(opensAt, interval.start)
                end = min(end, interval.end)
            }
            let start = max(opensAt, cursor)
            if end.timeIntervalSince(start) >= minimumLength {
                return Opening(opensAt: opensAt, start: start, end: end)
            }
            // Either the zones' windows do not overlap here (move to the latest opening) or the
            // overlap is too short (move past the first window to close).
            cursor = start < end ? end : max(start, cursor.addingTimeInterval(60))
        }
        return nil
    }

    /// The window of the first contact day, in `clock`'s zone, that has not closed by `instant`.
    private func dayWindow(in clock: ZoneClock, containingOrAfter instant: Date) -> DateInterval? {
        let today = clock.localDate(of: instant)
        for offset in 0..<Self.horizonDays {
            let date = today.adding(days: offset)
            guard closure(of: date) == nil else { continue }
            let start = clock.instant(of: date, at: dailyStart)
            let end = clock.instant(of: date, at: dailyEnd)
            if end > instant, end > start { return DateInterval(start: start, end: end) }
        }
        return nil
    }
}
