import Foundation
import RapportCore

/// The embedded demo: about two hundred agreements around the globe, some due in a few days,
/// some missed, some paid, a few stopped, built relative to `now` so the demo always has
/// something to say. Deterministic for a given `now` and seed.
public enum DemoPortfolio {
    static let zones = [
        "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
        "America/Anchorage", "Pacific/Honolulu", "America/Mexico_City", "America/Sao_Paulo", "Europe/London",
        "Europe/Madrid", "Africa/Lagos", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
    ]
    static let firstNames = [
        "Samuel", "Maria", "James", "Ana", "Wei", "Fatima", "Liam", "Sofia", "Noah", "Aisha", "Lucas", "Priya", "Mateo",
        "Emma", "Kenji", "Grace",
    ]
    static let lastNames = [
        "Rivera", "Okafor", "Smith", "García", "Chen", "Khan", "Murphy", "López", "Brown", "Patel", "Silva", "Tanaka",
        "Nguyen", "Johnson",
    ]

    /// The agreements and events of the demo.
    public static func make(count: Int = 200, now: Date, seed: UInt64 = 2026) -> (
        agreements: [Agreement], events: [Event]
    ) {
        var random = SplitMix64(seed: seed)
        var agreements: [Agreement] = []
        var events: [Event] = []
        for index in 0..<count {
            let zone = zones[index % zones.count]
            let today = ZoneClock(identifier: zone)!.localDate(of: now)
            let id = Identifier(String(format: "A-%04d", 1000 + index))!
            // Every 25th agreement belongs to the previous debtor: pacing counts across both.
            let debtorIndex = index % 25 == 24 ? index - 1 : index
            let first = firstNames[debtorIndex % firstNames.count]
            let name = "\(first) \(lastNames[(debtorIndex / firstNames.count + debtorIndex) % lastNames.count])"
            let scenario = index % 10
            let spanish = scenario == 9 || zone == "America/Mexico_City" || zone == "Europe/Madrid"
            let phone = "+1\(200 + debtorIndex % 700)555\(String(format: "%04d", debtorIndex))"
            var contacts: [Channel: String] = [.email: "\(first.lowercased()).\(debtorIndex)@example.org"]
            if index % 7 != 3 { contacts[.sms] = phone }
            if index % 11 == 5 { contacts[.voice] = phone }
            if index % 13 == 4 { contacts = [.letter: "\(debtorIndex) Demo Street, Springfield"] }

            let amount = Money(hundredths: 2_500 * (1 + Int(random.next() % 8)))
            let firstDue: LocalDate
            switch scenario {
            case 0, 1, 2, 7, 9: firstDue = today.adding(days: 1 + Int(random.next() % 3))
            case 3, 4: firstDue = today.adding(days: -(3 + Int(random.next() % 18)))
            case 5: firstDue = today.adding(days: -(3 + Int(random.next() % 3)))
            default: firstDue = today.adding(days: 8 + Int(random.next() % 30))
            }
            let installments = (0..<(1 + Int(random.next() % 6))).map { n in
                Installment(id: Identifier(String(n + 1))!, due: firstDue.adding(days: 30 * n), amount: amount)
            }
            agreements.append(
                Agreement(
                    id: id,
                    debtor: Debtor(
                        id: Identifier(String(format: "D-%04d", debtorIndex))!, name: name,
                        preferredName: index % 3 == 0 ? first : nil, locale: spanish ? "es" : "en"),
                    timezone: scenario == 7 ? nil : zone,
                    timezones: scenario == 7 ? ["America/New_York", "America/Los_Angeles"] : nil,
                    contacts: contacts, consent: Consent(sms: index % 5 != 1),
                    preferredChannel: index % 4 == 0 ? .email : nil,
                    installments: installments))

            switch scenario {
            case 5:
                events.append(
                    Event(
                        agreement: id, type: .payment, at: now.addingTimeInterval(-Double(3600 * (20 + index % 30))),
                        amount: amount, installment: installments[0].id))
            case 8:
                let types: [EventType] = [.cease, .dispute, .pause, .attorney]
                let type = types[(index / 10) % types.count]
                events.append(
                    Event(
                        agreement: id, type: type, at: now.addingTimeInterval(-86_400),
                        reason: type == .pause ? "demo: debtor asked for a week" : nil))
            default:
                break
            }
        }
        return (agreements, events)
    }
}
