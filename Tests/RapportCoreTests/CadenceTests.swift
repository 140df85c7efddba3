import Foundation
import Testing
@testable import RapportCore

/// R24-R26 (the cadence) and R29 (stale touchpoints).
@Suite("The cadence")
struct CadenceTests {
    let chicago = ZoneClock(identifier: "America/Chicago")!

    @Test("R24: a friendly reminder 3 days before the due date, spooled within the lookahead")
    func r24PreDue() async throws {
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
        let contacts = Fixture.run(
            [Fixture.agreement(installments: [("2026-12-17", "50.00")])], from: "2026-12-13T12:00:00Z",
            until: "2026-12-18T12:00:00Z", policy: policy)
        #expect(contacts.map(\.kind) == [.preDue, .dueToday])
        #expect(contacts.last.map { chicago.localDate(of: $0.notBefore) } == Fixture.date("2026-12-17"))
    }

    @Test(
        """
        R25: a missed installment gets a kind check-in after 2 days of grace, then follow-ups stretched by \
        backoff (R10)
        """
    )
    func r25MissedAndFollowUps() async throws {
        let agreement = Fixture.agreement(installments: [("2026-12-01", "50.00")])
        let contacts = Fixture.run([agreement], from: "2026-12-02T12:00:00Z", until: "2027-01-10T00:00:00Z")
        let kinds = contacts.map(\.kind)
        #expect(kinds.first == .missed)
        let missed = try #require(contacts.first)
        #expect(chicago.localDate(of: missed.notBefore) == Fixture.date("2026-12-03"))
        let followUps = contacts.filter { $0.kind == .followUp }
        #expect(followUps.count >= 2)
        if followUps.count >= 2 {
            let firstGap = chicago.localDate(of: missed.notBefore).days(
                until: chicago.localDate(of: followUps[0].notBefore))
            let secondGap = chicago.localDate(of: followUps[0].notBefore).days(
                until: chicago.localDate(of: followUps[1].notBefore))
            #expect(firstGap >= 7)
            #expect(secondGap >= 11)  // 7 × 1.5, rounded
        }
        let paid = Fixture.event(.payment, at: "2026-12-02T12:00:00Z", amount: "50.00")
        #expect(
            Fixture.run([agreement], events: [paid], from: "2026-12-02T13:00:00Z", until: "2027-01-10T00:00:00Z").map(
                \.kind) == [.completed])
    }

    @Test("R26: every payment gets a thank-you; one older than a week is dropped as stale (R29)")
    func r26Thanks() async throws {
        let agreement = Fixture.agreement(installments: [("2026-12-20", "50.00"), ("2027-01-20", "50.00")])
        let payment = Fixture.event(.payment, at: "2026-12-08T14:00:00Z", amount: "50.00")
        let thanks = try #require(
            Fixture.contact(Fixture.plan(agreement, events: [payment], at: "2026-12-08T15:00:00Z")))
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
        #expect(a.map { JobID.isValid($0.jobID.rawValue) } == true)
    }
}

/// R17 check-in, R26 progress and completion, R27 promises.
@Suite("Promises, progress and pauses")
struct PromiseAndProgressTests {
    let chicago = ZoneClock(identifier: "America/Chicago")!

    @Test("R27 R40: a promise is acknowledged, then one reminder on the last allowed day before the promised date")
    func r27Kept() throws {
        let agreement = Fixture.agreement(installments: [("2026-12-01", "50.00"), ("2027-01-01", "50.00")])
        let promise = Event(
            agreement: Fixture.id("A-1"), type: .promise, at: Fixture.instant("2026-12-02T16:00:00Z"),
            date: Fixture.date("2026-12-15"))
        let payment = Fixture.event(.payment, at: "2026-12-15T18:00:00Z", amount: "50.00")
        let contacts = Fixture.run(
            [agreement], events: [promise, payment], from: "2026-12-02T16:30:00Z", until: "2026-12-24T00:00:00Z")
        #expect(contacts.map(\.kind) == [.promiseAck, .promiseReminder, .thanks], "\(contacts.map(\.kind))")
        // The acknowledgment is an answer: at once, outside R8's pacing.
        #expect(contacts.first?.notBefore == Fixture.instant("2026-12-02T16:30:00Z"))
        let reminder = try #require(contacts.first { $0.kind == .promiseReminder })
        #expect(chicago.localDate(of: reminder.notBefore) == Fixture.date("2026-12-14"))
        // R27 R37: the reminder states the promised date and amount, from the record.
        #expect(reminder.statement?.promise?.date == Fixture.date("2026-12-15"))
        #expect(reminder.statement?.promise?.amount == Money("50.00"))
    }

    @Test("R27: a broken promise (2 days past the date, unpaid) resumes follow-ups")
    func r27Broken() async throws {
        let agreement = Fixture.agreement(installments: [("2026-12-01", "50.00"), ("2027-01-01", "50.00")])
        let promise = Event(
            agreement: Fixture.id("A-1"), type: .promise, at: Fixture.instant("2026-12-02T16:00:00Z"),
            date: Fixture.date("2026-12-15"))
        let contacts = Fixture.run(
            [agreement], events: [promise], from: "2026-12-02T16:30:00Z", until: "2026-12-24T00:00:00Z")
        #expect(contacts.prefix(2).map(\.kind) == [.promiseAck, .promiseReminder])
        let resumed = try #require(contacts.dropFirst(2).first)
        #expect(resumed.kind == .missed)
        #expect(chicago.localDate(of: resumed.notBefore) >= Fixture.date("2026-12-18"))
        #expect(resumed.reason.contains("R27") == false || resumed.notBefore >= Fixture.instant("2026-12-18T06:00:00Z"))
    }

    @Test("R27: a waiting check-in is withdrawn when a promise arrives")
    func r27Withdraws() {
        let agreement = Fixture.agreement(installments: [("2026-12-01", "50.00")])
        let waiting = Fixture.sent(.missed, at: "2026-12-04T16:00:00Z", touchpoint: "missed:A-1:1", state: .spooled)
        let promise = Event(
            agreement: Fixture.id("A-1"), type: .promise, at: Fixture.instant("2026-12-03T16:00:00Z"),
            date: Fixture.date("2026-12-20"))
        let decision = Fixture.plan(agreement, events: [promise], history: [waiting], at: "2026-12-03T17:00:00Z")
        #expect(decision.withdrawals.first?.reason.contains("R27") == true)
    }

    @Test("R26: the end of the plan gets a congratulation, which thanks for the last payment")
    func r26Completed() async throws {
        let agreement = Fixture.agreement(installments: [("2026-12-10", "50.00"), ("2027-01-10", "50.00")])
        let first = Fixture.event(.payment, at: "2026-12-09T15:00:00Z", amount: "50.00")
        let last = Fixture.event(.payment, at: "2027-01-08T15:00:00Z", amount: "50.00")
        let contacts = Fixture.run(
            [agreement], events: [first, last], from: "2026-12-09T15:30:00Z", until: "2027-01-20T00:00:00Z")
        #expect(contacts.first?.kind == .thanks)
        #expect(contacts.last?.kind == .completed)
        #expect(contacts.filter { $0.kind == .thanks }.count == 1)
    }

    @Test("R26: an on-track debtor with no contact for 30 days gets a short progress update")
    func r26Progress() async throws {
        let agreement = Fixture.agreement(installments: [("2026-12-10", "50.00"), ("2027-03-10", "50.00")])
        let payment = Fixture.event(.payment, at: "2026-12-09T15:00:00Z", amount: "50.00")
        let contacts = Fixture.run(
            [agreement], events: [payment], from: "2026-12-09T15:30:00Z", until: "2027-02-01T00:00:00Z")
        let thanks = try #require(contacts.first { $0.kind == .thanks })
        let progress = try #require(contacts.first { $0.kind == .progress })
        #expect(chicago.localDate(of: thanks.notBefore).days(until: chicago.localDate(of: progress.notBefore)) >= 30)
    }

    @Test("R17: when a pause is lifted, a gentle check-in comes first, and no follow-up in the 7 days after it")
    func r17CheckIn() async throws {
        let agreement = Fixture.agreement(installments: [("2026-12-01", "50.00")])
        let pause = Event(
            agreement: Fixture.id("A-1"), type: .pause, at: Fixture.instant("2026-12-02T15:00:00Z"), reason: "hospital")
        let resume = Fixture.event(.resume, at: "2026-12-10T15:00:00Z")
        let contacts = Fixture.run(
            [agreement], events: [pause, resume], from: "2026-12-02T15:30:00Z", until: "2026-12-24T00:00:00Z")
        let first = try #require(contacts.first)
        #expect(first.kind == .checkIn)
        #expect(first.notBefore >= Fixture.instant("2026-12-10T15:00:00Z"))
        // The check-in stated what is overdue: no check-in about the miss repeats it, and the
        // next word about the arrears is a follow-up after 7 quiet days.
        let next = try #require(contacts.dropFirst().first)
        #expect(next.kind == .followUp)
        #expect(chicago.localDate(of: next.notBefore) > chicago.localDate(of: first.notBefore).adding(days: 7))
    }
}

/// `rapportctl adjust`: an operator's changes to one agreement, as the planner applies them.
@Suite("Adjustments")
struct AdjustmentTests {
    let chicago = ZoneClock(identifier: "America/Chicago")!
    let agreement = Fixture.agreement(installments: [("2026-12-01", "50.00")])

    func plan(_ adjustment: Adjustment, at now: String, history: [ContactRecord] = [], policy: Policy = .standard)
        -> Decision
    {
        let instant = Fixture.instant(now)
        return Planner(policy: policy).plan(
            AgreementState(agreement: agreement, events: [], adjustment: adjustment, now: instant), history: history,
            now: instant, explaining: true)
    }

    @Test("R11 R5: the preferred channel and time, and designated times, bind")
    func channelAndTime() async throws {
        let contact = try #require(
            Fixture.contact(
                plan(
                    Adjustment(preferredChannel: .email, preferredTime: LocalTime("17:30")), at: "2026-12-07T12:00:00Z")
            ))
        #expect(contact.channel == .email)
        #expect(chicago.localTime(of: contact.notBefore) == LocalTime("17:30"))
        let limited = Adjustment(
            inconvenient: Inconvenience(before: LocalTime("12:00"), days: [.mon], channels: [.sms]))
        let later = try #require(
            Fixture.contact(plan(limited, at: "2026-12-07T12:00:00Z", policy: Fixture.longLookahead)))
        #expect(later.channel == .email)
        #expect(chicago.localDate(of: later.notBefore) == Fixture.date("2026-12-08"))
        #expect(chicago.localTime(of: later.notBefore).minutes >= 12 * 60)
    }

    @Test("R8: a longer minimum gap for one agreement")
    func minimumGap() async throws {
        let history = [Fixture.sent(.missed, at: "2026-12-03T16:00:00Z", touchpoint: "missed:A-1:1")]
        let decision = plan(
            Adjustment(minGapHours: 240), at: "2026-12-10T15:00:00Z", history: history, policy: Fixture.longLookahead)
        #expect(decision.trace.lines.first?.contains("minimum gap 240 h") == true)
        if let contact = Fixture.contact(decision) {
            #expect(contact.notBefore.timeIntervalSince(history[0].notBefore) >= 240 * 3600)
        } else {
            guard case .wait(let until) = decision.outcome else { Issue.record("expected a wait"); return }
            #expect(until.addingTimeInterval(96 * 3600).timeIntervalSince(history[0].notBefore) >= 240 * 3600)
        }
    }

    @Test("R25: a cadence profile changes the check-in's grace")
    func cadenceProfile() async throws {
        var policy = Policy.standard
        policy.cadences["gentle"] = CadenceProfile(missedGraceDays: 5, followUpDays: 14)
        let contacts = Fixture.run(
            [agreement], from: "2026-12-02T00:00:00Z", until: "2026-12-08T00:00:00Z", policy: policy)
        #expect(
            contacts.first { $0.kind == .missed }.map { chicago.localDate(of: $0.notBefore) }
                == Fixture.date("2026-12-03"))
        var gentle = agreement
        gentle.cadence = "gentle"
        let slower = Fixture.run([gentle], from: "2026-12-02T00:00:00Z", until: "2026-12-09T00:00:00Z", policy: policy)
        #expect(
            slower.first { $0.kind == .missed }.map { chicago.localDate(of: $0.notBefore) }
                == Fixture.date("2026-12-07"))
    }
}

/// R25: escalation, slowly.
@Suite("Escalation")
struct EscalationTests {
    @Test(
        "R25: after 2 unanswered contacts, follow-ups move to the next usable channel and grow firmer; a reply resets")
    func escalates() async throws {
        let agreement = Fixture.agreement(installments: [("2026-12-01", "50.00")])
        let contacts = Fixture.run([agreement], from: "2026-12-02T00:00:00Z", until: "2027-02-15T00:00:00Z")
        let arrears = contacts.filter { $0.kind == .missed || $0.kind == .followUp }
        try #require(arrears.count >= 4)
        #expect(arrears[0].channel == .sms && !arrears[0].firm)
        #expect(arrears[1].channel == .sms && !arrears[1].firm)
        #expect(arrears[2].channel == .email && arrears[2].firm)
        #expect(arrears.dropFirst(2).allSatisfy { $0.firm })

        let reply = Fixture.event(.reply, at: "2026-12-20T15:00:00Z")
        let calmer = Fixture.run(
            [agreement], events: [reply], from: "2026-12-02T00:00:00Z", until: "2027-02-15T00:00:00Z"
        )
        .filter { ($0.kind == .followUp) && $0.notBefore > Fixture.instant("2026-12-20T15:00:00Z") }
        #expect(calmer.first?.firm == false, "a reply resets the escalation (R10)")
    }
}
