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
    /// R9: the agreement's jurisdiction profile and the contacts about this debt.
    let jurisdiction: (limits: JurisdictionLimits, debtContacts: [ContactRecord])?

    init(
        policy: Policy, clocks: [ZoneClock], history: [ContactRecord],
        jurisdiction: (JurisdictionLimits, [ContactRecord])? = nil
    ) {
        self.policy = policy
        self.jurisdiction = jurisdiction
        var all = clocks
        for zone in Set(history.map(\.timezone)) where !all.contains(where: { $0.identifier == zone }) {
            if let clock = ZoneClock(identifier: zone) { all.append(clock) }
        }
        self.clocks = all
        self.contacts = history.map(\.notBefore)
    }

    /// Why a contact at `instant` would break R8 or R9, and the earliest instant worth trying
    /// next. The why is kept as values and put into words only when read.
    struct Conflict {
        var retryAt: Date
        var why: Why

        enum Why {
            /// Within `minGapHours` of the contact at `latest`.
            case gap(hours: Int, latest: Date)
            /// `count` of `cap` contacts already on `day` in `zone`.
            case day(count: Int, cap: Int, day: LocalDate, zone: String)
            /// `count` of `cap` in the 7 days from `first`; `free` is when the oldest ages out.
            case week(count: Int, cap: Int, what: Counted, first: LocalDate, free: LocalDate, zone: String)
        }

        /// What a weekly cap counts.
        enum Counted {
            case contacts
            case debtContacts(jurisdiction: String)
            case callsAndTexts(jurisdiction: String)
        }

        var explanation: String {
            switch why {
            case .gap(let hours, let latest):
                "R8: less than \(hours) h from the contact at \(Timestamp.rfc3339(latest))"
            case .day(let count, let cap, let day, let zone):
                "R8: \(count) of \(cap) contact(s) already on \(day) (\(zone))"
            case .week(let count, let cap, let what, let first, let free, let zone):
                "\(count) of \(cap) \(what.words) already in the 7 days from \(first); the oldest ages out"
                    + " \(free.weekday.rawValue.capitalized) \(free) \(zone)"
            }
        }
    }

    /// The first rule `instant` breaks, or nil when it paces well. A payment confirmation may
    /// break the 48-hour gap (`exemptFromGap`), never the daily or weekly limits.
    func conflict(at instant: Date, channel: Channel, exemptFromGap: Bool) -> Conflict? {
        if !exemptFromGap {
            let gap = TimeInterval(policy.minGapHours * 3600)
            let close = contacts.filter { abs($0.timeIntervalSince(instant)) < gap }
            if let latest = close.max() {
                return Conflict(
                    retryAt: latest.addingTimeInterval(gap), why: .gap(hours: policy.minGapHours, latest: latest))
            }
        }
        for clock in clocks {
            if let conflict = dayConflict(at: instant, in: clock) { return conflict }
        }
        if let (limits, debtContacts) = jurisdiction, let clock = clocks.first {
            if let cap = limits.maxContactsPerWeek,
                let conflict = weekConflict(
                    at: instant, days: debtContacts.map { clock.localDate(of: $0.notBefore) }, cap: cap, clock: clock,
                    what: .debtContacts(jurisdiction: limits.name))
            {
                return conflict
            }
            if let cap = limits.maxCallsAndTextsPerWeek, channel == .sms || channel == .voice,
                let conflict = weekConflict(
                    at: instant,
                    days: debtContacts.filter { $0.channel == .sms || $0.channel == .voice }.map {
                        clock.localDate(of: $0.notBefore)
                    },
                    cap: cap, clock: clock, what: .callsAndTexts(jurisdiction: limits.name))
            {
                return conflict
            }
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
                retryAt: clock.instant(of: day.adding(days: 1), at: .midnight),
                why: .day(count: sameDay, cap: policy.maxPerDay, day: day, zone: clock.identifier))
        }

        return weekConflict(at: instant, days: days, cap: policy.maxPerWeek, clock: clock, what: .contacts)
    }

    /// Whether one more contact on `instant`'s local day would put more than `cap` of `days`
    /// in some 7 consecutive local days, and when the oldest of them ages out.
    private func weekConflict(at instant: Date, days: [LocalDate], cap: Int, clock: ZoneClock, what: Conflict.Counted)
        -> Conflict?
    {
        let day = clock.localDate(of: instant)
        // Every 7-day run that contains `day`: from day-6...day to day...day+6.
        var violating: [LocalDate] = []
        var worstCount = 0
        for back in 0..<7 {
            let first = day.adding(days: -back)
            let last = first.adding(days: 6)
            let count = days.filter { $0 >= first && $0 <= last }.count
            if count + 1 > cap {
                violating.append(first)
                worstCount = max(worstCount, count)
            }
        }
        guard let latestFirst = violating.max() else { return nil }
        let free = latestFirst.adding(days: 7)
        return Conflict(
            retryAt: clock.instant(of: free, at: .midnight),
            why: .week(count: worstCount, cap: cap, what: what, first: latestFirst, free: free, zone: clock.identifier))
    }
}

extension Pacing.Conflict.Counted {
    var words: String {
        switch self {
        case .contacts: "contacts (R8)"
        case .debtContacts(let name): "contacts about this debt (R9 \(name))"
        case .callsAndTexts(let name): "calls and texts about this debt (R9 \(name))"
        }
    }
}
