import Foundation
import Testing
@testable import RapportCore

/// `ZoneClock` answers from a table of offsets away from transitions and from `Calendar` near
/// them (R6): both must agree everywhere, in every zone tzdata knows, at random instants and
/// at the minutes around each transition, where a wall time is skipped or shown twice.
@Suite("Zone clocks agree with Calendar (R6)")
struct ZoneOffsetsTests {
    /// What `Calendar` says the wall clock shows at `instant` in `zone`.
    static func calendarWallClock(_ instant: Date, in zone: TimeZone) -> (LocalDate?, Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        let date = LocalDate(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0)
        return (date, (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    /// Random instants from 1999 to 2101 (across the table's ends) and the minutes around the
    /// zone's transitions in 2025–2027.
    static func instants(in zone: TimeZone, random: inout SplitMix64) -> [Date] {
        var instants = (0..<60).map { _ in
            Date(timeIntervalSince1970: 915_148_800 + Double(random.next() % 3_250_000_000))
        }
        var after = Date(timeIntervalSince1970: 1_735_689_600)
        while let jump = zone.nextDaylightSavingTimeTransition(after: after), jump.timeIntervalSince1970 < 1_830_297_600
        {
            instants += [-3601, -61, -1, 0, 1, 59, 3599, 3600].map { jump.addingTimeInterval(Double($0)) }
            after = jump
        }
        return instants
    }

    /// Calls `check` with every zone tzdata knows, its clock, and the instants to try there.
    static func forEveryZone(seed: UInt64, _ check: (TimeZone, ZoneClock, [Date]) -> Void) {
        var random = SplitMix64(seed: seed)
        for identifier in TimeZone.knownTimeZoneIdentifiers {
            guard let zone = TimeZone(identifier: identifier) else { continue }
            check(zone, ZoneClock(zone: zone), instants(in: zone, random: &random))
        }
    }

    @Test("R6: local dates and times from the table are Calendar's, in every zone")
    func wallClockAgrees() {
        #expect(TimeZone.knownTimeZoneIdentifiers.count > 300, "tzdata is installed")
        Self.forEveryZone(seed: 6) { zone, clock, instants in
            for instant in instants {
                let (date, minutes) = Self.calendarWallClock(instant, in: zone)
                #expect(clock.localDate(of: instant) == date, "\(zone.identifier) \(instant)")
                #expect(clock.localTime(of: instant).minutes == minutes, "\(zone.identifier) \(instant)")
            }
        }
    }

    @Test("R6: the instant of a local time is the same from the offset table as from Calendar, in every zone")
    func instantsAgree() {
        Self.forEveryZone(seed: 66) { zone, clock, instants in
            for instant in instants {
                // The wall times shown just before and after each instant, and one minute off.
                let (date, minutes) = Self.calendarWallClock(instant, in: zone)
                guard let date else { continue }
                for wall in [minutes - 1, minutes, minutes + 1, minutes + 60] where (0..<1440).contains(wall) {
                    guard let time = LocalTime(minutes: wall) else { continue }
                    #expect(
                        clock.instant(of: date, at: time) == clock.calendarInstant(of: date, at: time),
                        "\(zone.identifier) \(date) \(time)")
                }
            }
        }
    }

    @Test("R6: RFC 3339 local times from the table are Calendar's, in every zone")
    func rfc3339Agrees() {
        Self.forEveryZone(seed: 666) { zone, clock, instants in
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            for instant in instants {
                let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
                let offset = zone.secondsFromGMT(for: instant)
                let expected = String(
                    format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d", parts.year ?? 0, parts.month ?? 0,
                    parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, offset < 0 ? "-" : "+",
                    abs(offset) / 3600, abs(offset) / 60 % 60)
                #expect(clock.rfc3339(instant) == expected, "\(zone.identifier) \(instant)")
            }
        }
    }

    @Test(
        """
        R6: skipped and repeated local times around every transition of 2025-2027, in every zone, against instants \
        worked out from the zone's offsets alone: a skipped time is sent at the transition, a repeated one once, at \
        its first occurrence
        """
    )
    func transitionsFromOffsets() {
        let end = Date(timeIntervalSince1970: 1_830_297_600)  // 2028-01-01
        var checked = 0
        for identifier in TimeZone.knownTimeZoneIdentifiers {
            guard let zone = TimeZone(identifier: identifier) else { continue }
            let clock = ZoneClock(zone: zone)
            var cursor = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01
            while let transition = zone.nextDaylightSavingTimeTransition(after: cursor), transition < end {
                cursor = transition
                let before = zone.secondsFromGMT(for: transition.addingTimeInterval(-1))
                let after = zone.secondsFromGMT(for: transition)
                let at = Int(transition.timeIntervalSince1970)
                // Every quarter hour of local time from two hours before the change to two after.
                let first = (at + min(before, after) - 7200) / 900 * 900
                for local in stride(from: first, through: at + max(before, after) + 7200, by: 900) {
                    let expected: Int
                    if local < at + min(before, after) {
                        expected = local - before
                    } else if local >= at + max(before, after) {
                        expected = local - after
                    } else if after > before {
                        expected = at  // skipped: the clock reaches this time at the change
                    } else {
                        expected = local - before  // repeated: its first occurrence only
                    }
                    let date = LocalDate(daysSinceEpoch: Int((Double(local) / 86_400).rounded(.down)))
                    let minutes = (local - date.daysSinceEpoch * 86_400) / 60
                    guard let time = LocalTime(minutes: minutes) else { continue }
                    checked += 1
                    #expect(
                        Int(clock.instant(of: date, at: time).timeIntervalSince1970) == expected,
                        "\(identifier) \(date) \(time) around \(transition)")
                }
            }
        }
        #expect(checked > 10_000, "transitions were found and checked")
    }
}
