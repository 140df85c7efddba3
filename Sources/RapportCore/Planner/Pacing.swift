import Foundation

/// The per-debtor pacing rules (R8): one contact per local day, 48 hours between contacts,
/// three in any seven consecutive days, counted across all of the debtor's agreements and
/// channels, including contacts already spooled for the future.
///
/// "Local day" is the debtor's, and a debtor's agreements may name different zones (or several
/// candidate zones), so the day-based limits must hold in every one of them: the zones of this
/// agreement and the zone each earlier contact was counted in.
struct Pacing {
    let policy: Policy
    /// Every zone whose local days count.
    let clocks: [ZoneClock]
    /// The instants of every contact that counts (R8), in any order.
    let contacts: [Date]

    init(policy: Policy, clocks: [ZoneClock], history: [ContactRecord]) {
        self.policy = policy
        var all = clocks
        for zone in Set(history.map(\.timezone)) where !all.contains(where: { $0.identifier == zone }) {
            if let clock = ZoneClock(identifier: zone) { all.append(clock) }
        }
        self.clocks = all
        self.contacts = history.map(\.notBefore)
    }

    /// Why a contact at `instant` would break R8, and the earliest instant worth trying next.
    struct Conflict {
        var retryAt: Date
        var explanation: String
    }

    /// The first rule `instant` breaks, or nil when it paces well. A payment confirmation may
    /// break the 48-hour gap (`exemptFromGap`), never the daily or weekly limits.
    func conflict(at instant: Date, exemptFromGap: Bool) -> Conflict? {
        if !exemptFromGap {
            let gap = TimeInterval(policy.minGapHours * 3600)
            let close = contacts.filter { abs($0.timeIntervalSince(instant)) < gap }
            if let latest = close.max() {
                return Conflict(
                    retryAt: latest.addingTimeInterval(gap),
                    explanation: "R8: less than \(policy.minGapHours) h from the contact at \(Timestamp.rfc3339(latest))")
            }
        }
        for clock in clocks {
            if let conflict = dayConflict(at: instant, in: clock) { return conflict }
        }
        return nil
    }

    /// The daily and weekly limits, counted in `clock`'s local days.
    private func dayConflict(at instant: Date, in clock: ZoneClock) -> Conflict? {
        let day = clock.localDate(of: instant)
        let days = contacts.map { clock.localDate(of: $0) }

        let sameDay = days.filter { $0 == day }.count
        if sameDay >= policy.maxPerDay {
            return Conflict(
                retryAt: clock.instant(of: day.adding(days: 1), at: LocalTime(minutes: 0)!),
                explanation: "R8: \(sameDay) of \(policy.maxPerDay) contact(s) already on \(day) (\(clock.identifier))")
        }

        // Every 7-day run that contains `day`: from day-6...day to day...day+6.
        var violating: [LocalDate] = []
        var worstCount = 0
        for back in 0..<7 {
            let first = day.adding(days: -back)
            let last = first.adding(days: 6)
            let count = days.filter { $0 >= first && $0 <= last }.count
            if count + 1 > policy.maxPerWeek {
                violating.append(first)
                worstCount = max(worstCount, count)
            }
        }
        if let latestFirst = violating.max() {
            let free = latestFirst.adding(days: 7)
            return Conflict(
                retryAt: clock.instant(of: free, at: LocalTime(minutes: 0)!),
                explanation: "R8: \(worstCount) of \(policy.maxPerWeek) contacts already in the 7 days from \(latestFirst); the oldest ages out \(free.weekday.rawValue.capitalized) \(free) \(clock.identifier)")
        }
        return nil
    }
}
