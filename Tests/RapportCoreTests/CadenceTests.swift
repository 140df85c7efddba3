import Foundation
import Testing
@testable import RapportCore

/// R24-R26 (the cadence) and R29 (stale touchpoints).
@Suite("The cadence")
struct CadenceTests {
    let chicago = ZoneClock(identifier: "America/Chicago")!

    @Test("R24: a friendly reminder 3 days before the due date, spooled within the lookahead")
    func r24PreDue() throws {
        let agreement = Fixture.agreement(installments: [("2026-12-17", "50.00")])
        let early = Fixture.plan(agreement, at: "2026-12-07T15:00:00Z")
        guard case .wait(let until) = early.outcome else { Issue.record("expected wait, got \(early.summary)"); return }
        #expect(until == early.nextReview)
        let contact = try #require(Fixture.contact(Fixture.plan(agreement, at: Timestamp.rfc3339(until))))
        #expect(contact.kind == .preDue)
        #expect(chicago.localDate(of: contact.notBefore) == Fixture.date("2026-12-14"))
        #expect(contact.reason.contains("installment 1 due 2026-12-17"))
        #expect(contact.reason.contains("window 09:00-20:00 America/Chicago"))
    }

    @Test("R24: the optional due-day reminder")
    func r24DueDay() {
        var policy = Policy.standard
        policy.dueDayReminder = true
        let contacts = Fixture.run([Fixture.agreement(installments: [("2026-12-17", "50.00")])], from: "2026-12-13T12:00:00Z", until: "2026-12-18T12:00:00Z", policy: policy)
        #expect(contacts.map(\.kind) == [.preDue, .dueToday])
        #expect(contacts.last.map { chicago.localDate(of: $0.notBefore) } == Fixture.date("2026-12-17"))
    }

    @Test("R25: a missed installment gets a kind check-in after 2 days of grace, then follow-ups stretched by backoff (R10)")
    func r25MissedAndFollowUps() throws {
        let agreement = Fixture.agreement(installments: [("2026-12-01", "50.00")])
        let contacts = Fixture.run([agreement], from: "2026-12-02T12:00:00Z", until: "2027-01-10T00:00:00Z")
        let kinds = contacts.map(\.kind)
        #expect(kinds.first == .missed)
        let missed = try #require(contacts.first)
        #expect(chicago.localDate(of: missed.notBefore) == Fixture.date("2026-12-03"))
        let followUps = contacts.filter { $0.kind == .followUp }
        #expect(followUps.count >= 2)
        if followUps.count >= 2 {
            let firstGap = chicago.localDate(of: missed.notBefore).days(until: chicago.localDate(of: followUps[0].notBefore))
            let secondGap = chicago.localDate(of: followUps[0].notBefore).days(until: chicago.localDate(of: followUps[1].notBefore))
            #expect(firstGap >= 7)
            #expect(secondGap >= 11)  // 7 × 1.5, rounded
        }
        let paid = Fixture.event(.payment, at: "2026-12-02T12:00:00Z", amount: "50.00")
        #expect(Fixture.run([agreement], events: [paid], from: "2026-12-02T13:00:00Z", until: "2027-01-10T00:00:00Z").map(\.kind) == [.thanks])
    }

    @Test("R26: every payment gets a thank-you; one older than a week is dropped as stale (R29)")
    func r26Thanks() throws {
        let agreement = Fixture.agreement(installments: [("2026-12-20", "50.00"), ("2027-01-20", "50.00")])
        let payment = Fixture.event(.payment, at: "2026-12-08T14:00:00Z", amount: "50.00")
        let thanks = try #require(Fixture.contact(Fixture.plan(agreement, events: [payment], at: "2026-12-08T15:00:00Z")))
        #expect(thanks.kind == .thanks)
        #expect(thanks.paymentAmount == Money("50.00"))
        let late = Fixture.plan(agreement, events: [payment], at: "2026-12-20T15:00:00Z")
        #expect(late.dropped.contains { $0.kind == .thanks && $0.reason.contains("R29") })
        #expect(Fixture.contact(late)?.kind != .thanks)
    }

    @Test("R29: a reminder that can no longer go out before its due date is dropped, not sent late")
    func r29StaleReminder() {
        // Back from downtime on the day after the due date: no pre_due, the check-in comes instead.
        let agreement = Fixture.agreement(installments: [("2026-12-10", "50.00")])
        let decision = Fixture.plan(agreement, at: "2026-12-11T15:00:00Z")
        #expect(decision.dropped.contains { $0.kind == .preDue })
        #expect(Fixture.contact(decision)?.kind != .preDue)
    }

    @Test("Job ids are deterministic: the same touchpoint and attempt give the same id")
    func deterministicIDs() {
        let a = Fixture.contact(Fixture.plan(Fixture.agreement(), at: "2026-12-07T15:00:00Z"))
        let b = Fixture.contact(Fixture.plan(Fixture.agreement(), at: "2026-12-07T16:00:00Z"))
        #expect(a?.jobID == b?.jobID)
        #expect(a.map { Job.isValidID($0.jobID) } == true)
    }
}
