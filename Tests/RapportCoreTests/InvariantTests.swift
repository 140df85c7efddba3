import Foundation
import PropertyBased
import Testing
@testable import RapportCore

/// Property-based checks of the hard rules over random portfolios and random event streams:
/// whatever happens, no contact breaks R1/R2, R7-free pacing R8 or a stop R12-R16, no job
/// goes out twice, and a planner that stays silent is caught by the liveness check.
@Suite("Invariants over random portfolios")
struct InvariantTests {
    static let zones = [
        "America/Chicago", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham",
        "Australia/Lord_Howe", "Europe/London", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kathmandu",
    ]
    static let start = Fixture.instant("2027-03-01T00:00:00Z")  // spans DST changes in both hemispheres
    static let end = Fixture.instant("2027-04-01T00:00:00Z")

    struct Portfolio {
        var agreements: [Agreement]
        var events: [Event]
    }

    static func portfolio(seed: UInt64) -> Portfolio {
        var random = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        var agreements: [Agreement] = []
        var events: [Event] = []
        let startDate = LocalDate(daysSinceEpoch: Int(start.timeIntervalSince1970 / 86_400))
        for index in 0..<(2 + Int(random.next() % 4)) {
            let id = "A-\(index)"
            let candidates: [String]? = random.next() % 4 == 0 ? [pick(Self.zones), pick(Self.zones)] : nil
            let installments = (0..<(1 + Int(random.next() % 3))).map { n in
                (startDate.adding(days: -5 + Int(random.next() % 30) + 14 * n).description, "25.00")
            }
            agreements.append(
                Fixture.agreement(
                    id, debtor: "D-\(index % 2)", zone: pick(Self.zones), zones: candidates,
                    contacts: random.next() % 3 == 0
                        ? [.email: "x@example.org"]
                        : [.sms: "+12145550100", .email: "x@example.org", .voice: "+12145550100"],
                    smsConsent: random.next() % 2 == 0, installments: installments))
            let at = start.addingTimeInterval(Double(random.next() % (30 * 86_400)))
            switch random.next() % 8 {
            case 0: events.append(Event(agreement: Fixture.id(id), type: .payment, at: at, amount: Money("25.00")))
            case 1: events.append(Event(agreement: Fixture.id(id), type: .cease, at: at))
            case 2: events.append(Event(agreement: Fixture.id(id), type: .dispute, at: at))
            case 3: events.append(Event(agreement: Fixture.id(id), type: .optOut, at: at, channel: .sms))
            case 4: events.append(Event(agreement: Fixture.id(id), type: .attorney, at: at))
            default: break
            }
        }
        return Portfolio(agreements: agreements, events: events)
    }

    @Test(
        """
        R1 R2 R8 R12 R13 R14 R16: every planned contact obeys the hard rules; no job twice; every due installment \
        reminded or its drop explained
        """,
        .timeLimit(.minutes(5)))
    func hardRulesHold() async {
        await propertyCheck(count: 15, input: Gen.int(in: 0...1_000_000)) { seed in
            let portfolio = Self.portfolio(seed: UInt64(seed))
            let (contacts, dropped) = Fixture.runRecording(
                portfolio.agreements, events: portfolio.events, from: Timestamp.rfc3339(Self.start),
                until: Timestamp.rfc3339(Self.end))
            let byID = Dictionary(grouping: contacts, by: \.jobID)
            #expect(byID.values.allSatisfy { $0.count == 1 }, "a job id was planned twice (seed \(seed))")

            for contact in contacts {
                let agreement = portfolio.agreements.first { $0.id == contact.agreement }!
                for zone in agreement.candidateZones {
                    let clock = ZoneClock(identifier: zone)!
                    let start = clock.localTime(of: contact.notBefore).minutes
                    let end = clock.localTime(of: contact.notAfter).minutes
                    // Answers keep R1's hours (R32 R40); every other contact the policy's window (R4).
                    let opens: Int = contact.kind.isAnswer ? 8 * 60 : 9 * 60
                    let closes: Int = contact.kind.isAnswer ? 21 * 60 : 20 * 60
                    let sameDay = clock.localDate(of: contact.notBefore) == clock.localDate(of: contact.notAfter)
                    #expect(
                        start >= opens && end <= closes && sameDay,
                        "R1/R2: \(contact.jobID) outside the window in \(zone) (seed \(seed))")
                }
                let stopsBefore = portfolio.events.filter {
                    $0.agreement == contact.agreement && $0.at <= contact.notBefore
                }
                if stopsBefore.contains(where: { $0.type == .attorney }) {
                    Issue.record("R13: contact after attorney (seed \(seed))")
                }
                if stopsBefore.contains(where: { $0.type == .cease }), contact.kind != .ceaseConfirmation {
                    Issue.record("R12: contact after cease (seed \(seed))")
                }
                if stopsBefore.contains(where: { $0.type == .dispute }), contact.kind.isCollection {
                    Issue.record("R14: collection during dispute (seed \(seed))")
                }
                if stopsBefore.contains(where: { $0.type == .optOut }), contact.channel == .sms {
                    Issue.record("R16: SMS after opt-out (seed \(seed))")
                }
                if contact.channel == .sms, !agreement.consent.sms {
                    Issue.record("R16: SMS without consent (seed \(seed))")
                }
            }

            // Answers (R32 R40) are outside R8's pacing and do not count against it.
            for (debtor, theirs) in Dictionary(grouping: contacts.filter { !$0.kind.isAnswer }, by: \.debtor.id) {
                let sorted = theirs.sorted { $0.notBefore < $1.notBefore }
                let clock = ZoneClock(identifier: sorted[0].timezone)!
                for (earlier, later) in zip(sorted, sorted.dropFirst()) {
                    #expect(
                        clock.localDate(of: earlier.notBefore) != clock.localDate(of: later.notBefore),
                        "R8: two contacts on one day for \(debtor) (seed \(seed))")
                    // A payment confirmation (a thank-you, or the congratulation for the last payment) may
                    // break the gap.
                    if ![.thanks, .completed].contains(later.kind), ![.thanks, .completed].contains(earlier.kind) {
                        #expect(
                            later.notBefore.timeIntervalSince(earlier.notBefore) >= 48 * 3600,
                            "R8: gap under 48 h for \(debtor) (seed \(seed))")
                    }
                }
                let days = sorted.map { clock.localDate(of: $0.notBefore) }
                for first in days {
                    #expect(
                        days.filter { $0 >= first && $0 <= first.adding(days: 6) }.count <= 3,
                        "R8: more than 3 in 7 days for \(debtor) (seed \(seed))")
                }
            }

            // Liveness: a planner that never sends is broken. For every agreement without
            // events, each installment due well inside the run gets its reminder — alone, or
            // covered by a sibling's (R28) — unless the reminder was dropped, and then the
            // records say why (R29, usually because R8's pacing left no slot before the date).
            for agreement in portfolio.agreements
            where !portfolio.events.contains(where: { $0.agreement == agreement.id }) {
                guard agreement.candidateZones.count == 1 else { continue }
                let clock = ZoneClock(identifier: agreement.candidateZones[0])!
                for installment in agreement.installments
                where clock.localDate(of: Self.start).adding(days: 10) < installment.due
                    && installment.due < clock.localDate(of: Self.end).adding(days: -10)
                {
                    let key = TouchpointKey.reminder(.preDue, agreement.id, installment.id)
                    let reminded = contacts.contains { ($0.touchpoint == key) || $0.covers.contains(key) }
                    #expect(
                        reminded || dropped[key]?.contains("R29") == true,
                        """
                        liveness: \(key) due \(installment.due) neither reminded nor dropped with a reason (seed \
                        \(seed))
                        """
                    )
                }
            }
        }
    }
}
