import Foundation
import RapportCore

/// A realistic synthetic portfolio of any size for `rapportctl generate` and the benchmarks.
///
/// Each agreement is a pure function of (seed, index, today), so millions can be streamed one
/// at a time and any slice regenerated alike. The mix is what a servicer's book looks like:
/// zones on five continents (some only candidate zones, some to infer from a phone number),
/// 1–12 monthly installments with due dates spread over the past and coming months, mixed
/// channels and SMS consent, about one debtor in eight with a second agreement, and an event
/// stream of the last ten days' payments, promises and stops (missed installments are the
/// past ones left unpaid).
public struct SyntheticPortfolio: Sendable {
    public let seed: UInt64
    public let today: Date

    public init(seed: UInt64, today: Date) {
        self.seed = seed
        self.today = today
    }

    static let zones =
        DemoPortfolio.zones + [
            "America/Toronto", "America/Bogota", "America/Argentina/Buenos_Aires", "Europe/Berlin", "Europe/Paris",
            "Europe/Warsaw",
            "Africa/Nairobi", "Africa/Johannesburg", "Africa/Cairo", "Asia/Singapore", "Asia/Manila", "Asia/Dubai",
            "Australia/Perth",
        ]
    /// North American area codes, so some agreements carry no zone and R3 infers it.
    static let areaCodes = ["212", "312", "303", "415", "602", "907", "808", "617", "206", "713", "305", "404"]

    /// The agreement at `index` and the events that go with it.
    public func entry(_ index: Int) -> (agreement: Agreement, events: [Event]) {
        var random = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        func pick(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        // G- ids: a generated book never collides with the demo's A-NNNN agreements.
        let id = Identifier("G-\(index + 1)")!
        // One debtor in eight also holds the previous index's agreement.
        let sharesDebtor = index > 0 && index % 8 == 7
        let debtorIndex = sharesDebtor ? index - 1 : index
        let first = DemoPortfolio.firstNames[debtorIndex % DemoPortfolio.firstNames.count]
        let last = DemoPortfolio.lastNames[(debtorIndex / 7) % DemoPortfolio.lastNames.count]

        let zone = Self.zones[debtorIndex % Self.zones.count]
        var timezone: String? = zone
        var timezones: [String]?
        let areaCode = Self.areaCodes[debtorIndex % Self.areaCodes.count]
        let phone = "+1\(areaCode)555\(String(format: "%04d", debtorIndex % 10_000))"
        switch debtorIndex % 20 {
        case 0: timezone = nil  // inferred from the phone's area code
        case 1: timezone = nil; timezones = ["America/New_York", "America/Chicago"]
        default: break
        }
        var contacts: [Channel: String] = [.email: "\(first.lowercased()).\(debtorIndex)@example.org"]
        if timezone == nil || zone.hasPrefix("America/") || pick(3) > 0 { contacts[.sms] = phone }
        if pick(9) == 0 { contacts[.voice] = phone }
        if pick(40) == 0 { contacts[.letter] = "\(debtorIndex) Example Street" }
        let spanish =
            zone == "America/Mexico_City" || zone == "Europe/Madrid" || zone == "America/Bogota" || pick(12) == 0

        let localToday =
            (Self.clocks[timezone ?? "America/New_York"] ?? Self.clocks["America/New_York"])?.localDate(of: today)
            ?? LocalDate(daysSinceEpoch: Int(today.timeIntervalSince1970 / 86_400))
        let count = 1 + pick(12)
        // The first due date anywhere from five months ago to three months ahead.
        let firstDue = localToday.adding(months: pick(9) - 5).adding(days: pick(28) - 14)
        let amount = Money(hundredths: 100 * (20 + 5 * pick(40)))
        var installments: [Installment] = []
        var events: [Event] = []
        for n in 0..<count {
            let due = firstDue.adding(months: n)
            let number = Identifier(String(n + 1))!
            var installment = Installment(id: number, due: due, amount: amount)
            // Most past installments were paid, on time or a little late; the rest are misses.
            // The servicer's export already shows older payments as paid; a payment of the
            // last ten days is also in the event stream, as it arrives.
            if due < localToday, pick(10) < 8 {
                let paidOn = min(due.adding(days: pick(6) - 2), localToday.adding(days: -1))
                if paidOn.days(until: localToday) <= 10 {
                    events.append(
                        Event(agreement: id, type: .payment, at: noon(of: paidOn), amount: amount, installment: number))
                } else {
                    installment.paid = amount
                }
            }
            installments.append(installment)
        }
        switch pick(50) {
        case 0:
            events.append(
                Event(
                    agreement: id, type: .promise, at: noon(of: localToday.adding(days: -2)),
                    date: localToday.adding(days: 5 + pick(10))))
        case 1:
            events.append(
                Event(
                    agreement: id, type: .pause, at: noon(of: localToday.adding(days: -3)),
                    until: localToday.adding(days: 14), reason: "asked for two weeks"))
        case 2:
            events.append(Event(agreement: id, type: .optOut, at: noon(of: localToday.adding(days: -4)), channel: .sms))
        case 3 where pick(4) == 0:
            events.append(Event(agreement: id, type: .cease, at: noon(of: localToday.adding(days: -6))))
        default:
            break
        }
        let agreement = Agreement(
            id: id,
            debtor: Debtor(
                id: Identifier("GD-\(debtorIndex + 1)")!, name: "\(first) \(last)",
                preferredName: pick(3) == 0 ? first : nil, locale: spanish ? "es" : "en"),
            timezone: timezone, timezones: timezones,
            contacts: contacts, consent: Consent(sms: pick(6) > 0), preferredChannel: pick(5) == 0 ? .email : nil,
            installments: installments)
        return (agreement, events.sorted { $0.at < $1.at })
    }

    /// One clock per zone, made once: a `TimeZone` is costly to build a million times.
    static let clocks: [String: ZoneClock] = Dictionary(
        uniqueKeysWithValues: zones.compactMap { zone in ZoneClock(identifier: zone).map { (zone, $0) } })

    /// Noon UTC of a date, and never later than an hour ago: a plausible time for a recorded
    /// payment (an instant, so plain seconds since the epoch are right here).
    func noon(of date: LocalDate) -> Date {
        min(Date(timeIntervalSince1970: Double(date.daysSinceEpoch) * 86_400 + 43_200), today.addingTimeInterval(-3600))
    }
}
