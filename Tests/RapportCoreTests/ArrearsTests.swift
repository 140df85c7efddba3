import Foundation
import Testing
@testable import RapportCore

/// R20 (what a message states), R25 (every miss gets its check-in) and R23 (voice only to
/// collect), each on hand-made cases.
@Suite("What a message states and when a miss is acknowledged")
struct ArrearsTests {
    let chicago = ZoneClock(identifier: "America/Chicago")!
    let threeMonthly = [
        ("2026-09-28", "50.00"), ("2026-10-28", "50.00"), ("2026-11-28", "50.00"), ("2026-12-28", "50.00"),
    ]

    @Test("R20: a follow-up three installments behind states the total, the count and the oldest date")
    func r20WholeArrears() async throws {
        let agreement = Fixture.agreement(installments: threeMonthly)
        let checkIn = Fixture.sent(.missed, at: "2026-11-30T16:00:00Z", touchpoint: "missed:A-1:3")
        let decision = Fixture.plan(agreement, history: [checkIn], at: "2026-12-07T15:00:00Z")
        let contact = try #require(Fixture.contact(decision))
        #expect(contact.kind == .followUp)
        #expect(
            contact.statement?.overdue == Arrears(total: Money("150.00")!, count: 3, oldest: Fixture.date("2026-09-28"))
        )
        #expect(contact.statement?.due == nil)
        #expect(contact.reason.contains("R20: states due -; overdue 150.00 in 3 since 2026-09-28"))
    }

    @Test("R20: a partial payment lowers the total; the installments it did not clear still count")
    func r20PartialPayment() async throws {
        let agreement = Fixture.agreement(installments: threeMonthly)
        let partial = Fixture.event(.payment, at: "2026-12-01T15:00:00Z", amount: "20.00")
        let checkIn = Fixture.sent(.missed, at: "2026-11-30T16:00:00Z", touchpoint: "missed:A-1:3")
        let contact = try #require(
            Fixture.contact(Fixture.plan(agreement, events: [partial], history: [checkIn], at: "2026-12-09T15:00:00Z")))
        #expect(contact.kind == .followUp)
        #expect(
            contact.statement?.overdue
                == Arrears(
                    total: Money("130.00")!, count: 3, oldest: Fixture.date("2026-09-28"), received: Money("20.00")!)
        )
    }

    @Test("R20 R18: a payment on the check-in's day withdraws the waiting check-in; the new one states what is left")
    func r20PaymentOnCheckInDay() async throws {
        let agreement = Fixture.agreement(installments: [("2026-11-28", "50.00"), ("2026-12-28", "50.00")])
        let first = try #require(Fixture.contact(Fixture.plan(agreement, at: "2026-11-30T15:00:00Z")))
        #expect(first.kind == .missed)
        #expect(first.statement?.overdue?.total == Money("50.00"))
        var waiting = Fixture.sent(
            .missed, at: Timestamp.rfc3339(first.notBefore), touchpoint: first.touchpoint.rawValue, state: .spooled)
        waiting.statement = first.statement?.fingerprint
        waiting.jobID = first.jobID
        let partial = Fixture.event(.payment, at: "2026-11-30T15:30:00Z", amount: "30.00")
        let after = Fixture.plan(agreement, events: [partial], history: [waiting], at: "2026-11-30T15:31:00Z")
        #expect(after.withdrawals.map(\.jobID) == [waiting.jobID])
        #expect(after.withdrawals.first?.reason.contains("R20") == true)
        // Planned again at once: a thank-you for the payment comes first, the check-in with $20.00 after it.
        var history = [waiting]
        history[0].state = .withdrawn
        let replanned = Fixture.run(
            [agreement], events: [partial], history: history, from: "2026-11-30T15:31:00Z",
            until: "2026-12-05T00:00:00Z")
        let checkIn = try #require(replanned.first { $0.kind == .missed })
        #expect(checkIn.statement?.overdue?.total == Money("20.00"))
        #expect(checkIn.jobID != first.jobID)
    }

    @Test("R20: a reminder to someone in arrears states the coming amount and what is still open")
    func r20ReminderInArrears() async throws {
        let agreement = Fixture.agreement(installments: threeMonthly)
        let checkIn = Fixture.sent(.missed, at: "2026-11-30T16:00:00Z", touchpoint: "missed:A-1:3")
        let reminder = try #require(
            Fixture.run([agreement], history: [checkIn], from: "2026-12-24T12:00:00Z", until: "2026-12-27T00:00:00Z")
                .first { $0.kind == .preDue })
        #expect(reminder.statement?.due == Money("50.00"))
        #expect(reminder.statement?.overdue?.total == Money("150.00"))
    }

    @Test("R20 R28: one reminder for two agreements, arrears on one, states both figures")
    func r20GroupedWithArrears() async throws {
        let behind = Fixture.agreement(
            "A-1", debtor: "D-1", installments: [("2026-11-10", "40.00"), ("2026-12-10", "40.00")])
        let current = Fixture.agreement("A-2", debtor: "D-1", installments: [("2026-12-11", "25.00")])
        let checkIn = Fixture.sent(.missed, agreement: "A-1", at: "2026-11-12T16:00:00Z", touchpoint: "missed:A-1:1")
        let reminder = try #require(
            Fixture.run(
                [behind, current], history: [checkIn], from: "2026-12-06T12:00:00Z", until: "2026-12-09T00:00:00Z"
            )
            .first { $0.kind == .preDue })
        #expect(Set(reminder.agreements) == [Fixture.id("A-1"), Fixture.id("A-2")])
        #expect(reminder.statement?.due == Money("65.00"))
        #expect(
            reminder.statement?.overdue == Arrears(total: Money("40.00")!, count: 1, oldest: Fixture.date("2026-11-10"))
        )
    }

    @Test(
        """
        R25 R29: a new miss gets its check-in while follow-ups are stretched; a follow-up pushed past the due date \
        gives way to it
        """
    )
    func r25EveryMiss() async throws {
        let agreement = Fixture.agreement(installments: [
            ("2026-10-01", "50.00"), ("2026-11-01", "50.00"), ("2026-12-01", "50.00"), ("2027-01-01", "50.00"),
        ])
        let contacts = Fixture.run([agreement], from: "2026-10-01T12:00:00Z", until: "2027-01-20T00:00:00Z")
        let checkIns = contacts.filter { $0.kind == .missed }
        for due in ["2026-10-01", "2026-11-01", "2026-12-01", "2027-01-01"].map(Fixture.date) {
            #expect(
                checkIns.map { chicago.localDate(of: $0.notBefore) }.contains { $0 > due && $0 <= due.adding(days: 6) },
                "R25: no check-in within 6 days after the miss of \(due)")
        }
        // Each check-in states everything overdue on its day: the fourth covers four installments.
        #expect(checkIns.last?.statement?.overdue?.count == 4)
        #expect(checkIns.last?.statement?.overdue?.total == Money("200.00"))
    }

    @Test("R25 R10: after a new miss's check-in, follow-ups go on with the backoff they had")
    func r25KeepsBackoff() async throws {
        let agreement = Fixture.agreement(installments: [("2026-10-01", "50.00"), ("2026-11-20", "50.00")])
        let contacts = Fixture.run([agreement], from: "2026-10-01T12:00:00Z", until: "2027-01-31T00:00:00Z")
        let arrears = contacts.filter { $0.kind == .missed || $0.kind == .followUp }
        let days = arrears.map { chicago.localDate(of: $0.notBefore) }
        let secondCheckIn = try #require(arrears.lastIndex { $0.kind == .missed })
        #expect(secondCheckIn > 1, "the second miss's check-in comes after follow-ups")
        if secondCheckIn + 1 < days.count {
            // Not back to the 7-day base gap: the count of unanswered contacts is kept.
            #expect(days[secondCheckIn].days(until: days[secondCheckIn + 1]) > 7)
        }
        #expect(arrears.filter { $0.kind == .missed }.count == 2, "one check-in per miss, no more")
    }

    @Test("R25: three installments already overdue at import get one check-in, not three")
    func r25OneCheckInForOldArrears() {
        let agreement = Fixture.agreement(installments: threeMonthly)
        let contacts = Fixture.run([agreement], from: "2026-12-05T12:00:00Z", until: "2026-12-20T00:00:00Z")
        #expect(contacts.filter { $0.kind == .missed }.count == 1)
        #expect(contacts.first { $0.kind == .missed }?.statement?.overdue?.count == 3)
    }

    @Test("R23: with voice the only usable channel, a thank-you is skipped and recorded; a reminder may call")
    func r23NoVoiceThanks() async throws {
        let agreement = Fixture.agreement(
            contacts: [.voice: "+12145550100"], installments: [("2026-12-10", "50.00"), ("2027-01-10", "50.00")])
        let payment = Fixture.event(.payment, at: "2026-12-02T15:00:00Z", amount: "50.00")
        let decision = Fixture.plan(
            agreement, events: [payment], at: "2026-12-02T15:30:00Z", policy: Fixture.longLookahead)
        #expect(decision.dropped.contains { $0.kind == .thanks && $0.reason.hasPrefix("R23") })
        #expect(decision.trace.lines.contains { $0.contains("skipped (R23") })
        let contacts = Fixture.run(
            [agreement], events: [payment], from: "2026-12-02T15:30:00Z", until: "2027-01-15T00:00:00Z")
        #expect(!contacts.contains { !$0.kind.mayUseVoice })
        #expect(contacts.contains { $0.kind == .preDue && $0.channel == .voice })
    }

    @Test("R23: only pre_due, due_today, missed, follow_up and promise_reminder may use voice")
    func r23Kinds() {
        #expect(
            Set(ContactKind.allCases.filter(\.mayUseVoice)) == [
                .preDue, .dueToday, .missed, .followUp, .promiseReminder,
            ])
    }

    @Test("R25 R18: installments given out of due order still get one check-in, not withdrawn once planned")
    func installmentsOutOfOrder() async throws {
        // Found by the R8 property test (seed 344795): "oldest unpaid" was the first listed.
        let agreement = Fixture.agreement(installments: [("2027-03-22", "25.00"), ("2027-03-15", "25.00")])
        #expect(agreement.installments.map(\.due) == [Fixture.date("2027-03-15"), Fixture.date("2027-03-22")])
        let now = Fixture.instant("2027-03-17T15:00:00Z")
        let decisions = Fixture.planner.planDebtor(
            Portfolio(agreements: [agreement], events: [], history: []), now: now
        ).steps.map(\.decision)
        #expect(decisions.flatMap(\.withdrawals).isEmpty)
        let first = try #require(decisions.first.flatMap(Fixture.contact))
        #expect(first.kind == .missed)
    }
}
