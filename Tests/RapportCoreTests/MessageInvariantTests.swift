import Foundation
import PropertyBased
import Testing
@testable import RapportCore

/// Property-based checks of what messages say over random portfolios and payment histories:
/// every check-in and follow-up states what is overdue at its send time (R20), every missed
/// installment gets its check-in soon after the grace (R25), and only collection messages are
/// calls (R23).
@Suite("What messages say, over random portfolios")
struct MessageInvariantTests {
    static let start = Fixture.instant("2026-10-01T00:00:00Z")
    static let end = Fixture.instant("2026-12-15T00:00:00Z")
    static let zones = [
        "America/Chicago", "America/New_York", "America/Los_Angeles", "Europe/Madrid", "Australia/Sydney",
    ]

    /// Two to five agreements (two debtors) of monthly installments of random amounts, some
    /// already behind, with payments — full, partial, late or none — at random times.
    static func portfolio(seed: UInt64) -> InvariantTests.Portfolio {
        var random = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        let first = LocalDate(daysSinceEpoch: Int(start.timeIntervalSince1970 / 86_400)).adding(days: -45)
        var agreements: [Agreement] = []
        var events: [Event] = []
        for index in 0..<(2 + Int(random.next() % 4)) {
            let id = "A-\(index)"
            let day = Int(random.next() % 28)
            let installments = (0..<(2 + Int(random.next() % 4))).map { month in
                (
                    first.adding(months: month).adding(days: day).description,
                    "\(25 + random.next() % 275).\(random.next() % 100 / 10)0"
                )
            }
            let contacts: [Channel: String] =
                switch random.next() % 4 {
                case 0: [.voice: "+12145550100"]
                case 1: [.email: "x@example.org"]
                default: [.sms: "+12145550100", .email: "x@example.org", .voice: "+12145550100"]
                }
            agreements.append(
                Fixture.agreement(
                    id, debtor: random.next() % 3 == 0 ? "D-0" : "D-\(id)", zone: pick(zones), contacts: contacts,
                    smsConsent: random.next() % 3 != 0,
                    installments: installments))
            for _ in 0..<Int(random.next() % 4) {
                let at = start.addingTimeInterval(Double(random.next() % UInt64(end.timeIntervalSince(start))))
                let amount = pick(["10.00", "25.00", "50.00", "120.00", "300.00"])
                events.append(Event(agreement: Fixture.id(id), type: .payment, at: at, amount: Money(amount)))
            }
        }
        return InvariantTests.Portfolio(agreements: agreements, events: events)
    }

    @Test(
        "R20 R23 R25: figures true at send time, a check-in for every miss, calls only to collect",
        .timeLimit(.minutes(5)))
    func messagesHold() async {
        await propertyCheck(count: 12, input: Gen.int(in: 0...1_000_000)) { seed in check(seed: seed) }
    }

    /// Portfolios that once found a bound too tight, kept so every run checks them again.
    @Test("R20 R23 R25: the portfolios that once failed", arguments: [904_258, 978_169])
    func regressions(seed: Int) { check(seed: seed) }

    /// R20, R23 and R25 over the portfolio of `seed`, run from the start to the end.
    func check(seed: Int) {
        let portfolio = Self.portfolio(seed: UInt64(seed))
        let contacts = Fixture.run(
            portfolio.agreements, events: portfolio.events, from: Timestamp.rfc3339(Self.start),
            until: Timestamp.rfc3339(Self.end))
        for contact in contacts {
            #expect(
                contact.channel != .voice || contact.kind.mayUseVoice,
                "R23: \(contact.kind) by voice (seed \(seed))")
            guard [.missed, .followUp, .checkIn].contains(contact.kind) || contact.agreements.count == 1,
                let agreement = portfolio.agreements.first(where: { $0.id == contact.agreement })
            else { continue }
            let clock = ZoneClock(identifier: contact.timezone)!
            let state = AgreementState(agreement: agreement, events: portfolio.events, now: contact.notBefore)
            let truth = Statement.arrears(of: state, on: clock.localDate(of: contact.notBefore))
            let statesArrears = [.preDue, .dueToday, .missed, .followUp, .checkIn].contains(contact.kind)
            #expect(
                contact.statement?.overdue == (statesArrears ? truth : nil),
                Comment(
                    rawValue:
                        "R20: \(contact.kind) \(contact.jobID) states \(String(describing: contact.statement)), "
                        + "owed \(String(describing: truth)) (seed \(seed))")
            )
            if [.missed, .followUp].contains(contact.kind) {
                #expect(truth != nil, "R20: \(contact.kind) with nothing overdue")
            }
        }
        for agreement in portfolio.agreements {
            checkEveryMiss(agreement, portfolio: portfolio, contacts: contacts, seed: seed)
        }
    }

    /// R25: each installment due inside the run and still unpaid after the grace gets a
    /// check-in within an R8 week after the grace — or is paid before one could go out. A
    /// debtor with several agreements shares R8's 3 contacts a week among them all, so a
    /// check-in may wait behind a sibling's messages: a week for each agreement is the bound.
    func checkEveryMiss(
        _ agreement: Agreement, portfolio: InvariantTests.Portfolio, contacts: [PlannedContact], seed: Int
    ) {
        let clock = ZoneClock(identifier: agreement.candidateZones[0])!
        let grace = Policy.standard.missedGraceDays
        // R8's 3 contacts a week are shared by all of a debtor's agreements: with k of them in
        // arrears, a new miss can wait behind about a week of the others' contacts for each
        // (seed 904258: three agreements, a check-in 18 days after its due date, on 55f562f too).
        // Alone, it can wait one R8 week: seed 978169's week after the grace was full (a
        // reminder, a thank-you, a follow-up) and ended on a weekend, so the check-in went out
        // on the 7th day after the due date.
        let agreements = portfolio.agreements.filter { $0.debtor.id == agreement.debtor.id }.count
        let slack = 7 * agreements
        let startDay = clock.localDate(of: Self.start)
        let checkIns = contacts.filter { $0.agreement == agreement.id && $0.kind == .missed }.map {
            clock.localDate(of: $0.notBefore)
        }
        for installment in agreement.installments
        where installment.due >= startDay && installment.due.adding(days: grace + slack) < clock.localDate(of: Self.end)
        {
            let deadline = clock.instant(
                of: installment.due.adding(days: grace + slack + 1), at: LocalTime(minutes: 0)!)
            let later = AgreementState(agreement: agreement, events: portfolio.events, now: deadline)
            guard !later.isPaid(installment) else { continue }
            let acknowledged = checkIns.contains {
                $0 > installment.due && $0 <= installment.due.adding(days: grace + slack)
            }
            #expect(
                acknowledged,
                Comment(
                    rawValue:
                        "R25: \(agreement.id) installment \(installment.id) due \(installment.due) got no check-in "
                        + "within \(grace + slack) days (seed \(seed))")
            )
        }
    }
}
