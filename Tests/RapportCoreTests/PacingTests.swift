import Foundation
import Testing
@testable import RapportCore

/// R8 (per-debtor pacing) and R11 (spread).
@Suite("How often")
struct PacingTests {
    let chicago = ZoneClock(identifier: "America/Chicago")!

    @Test("R8: two agreements of one debtor are paced together: 48 h apart, different days")
    func r8AcrossAgreements() {
        let first = Fixture.agreement("A-1", debtor: "D-7", installments: [("2026-12-10", "50.00")])
        // A different address, so R28 cannot fold them into one message: R8 must space them.
        let second = Fixture.agreement(
            "A-2", debtor: "D-7", contacts: [.sms: "+12145550199", .email: "other@example.org"],
            installments: [("2026-12-10", "80.00")])
        let contacts = Fixture.run([first, second], from: "2026-12-07T12:00:00Z", until: "2026-12-12T00:00:00Z")
        let reminders = contacts.filter { $0.kind == .preDue }
        #expect(reminders.count == 2)
        if reminders.count == 2 {
            #expect(reminders[1].notBefore.timeIntervalSince(reminders[0].notBefore) >= 48 * 3600)
            #expect(chicago.localDate(of: reminders[0].notBefore) != chicago.localDate(of: reminders[1].notBefore))
        }
    }

    @Test("R8: never more than 3 contacts in any 7 consecutive local days, and the trace gives the numbers")
    func r8WeeklyCap() async throws {
        // Contacts on Mon, Wed and Fri of one week: the next may only come when Monday's ages out.
        let history = ["2026-12-07T16:00:00Z", "2026-12-09T16:00:00Z", "2026-12-11T16:00:00Z"].map {
            Fixture.sent(.preDue, agreement: "A-9", at: $0)
        }
        // Every day is a contact day here, so Sunday the 13th (48 h after Friday) would be next
        // but for the weekly cap.
        var policy = Fixture.longLookahead
        policy.days = Set(Weekday.allCases)
        let agreement = Fixture.agreement(installments: [("2026-12-16", "50.00")])
        let decision = Fixture.plan(agreement, history: history, at: "2026-12-12T15:00:00Z", policy: policy)
        let contact = try #require(Fixture.contact(decision))
        #expect(chicago.localDate(of: contact.notBefore) == Fixture.date("2026-12-14"))
        #expect(contact.notBefore.timeIntervalSince(Fixture.instant("2026-12-11T16:00:00Z")) >= 48 * 3600)
        let days = (history.map(\.notBefore) + [contact.notBefore]).map { chicago.localDate(of: $0) }
        for first in days {
            #expect(days.filter { $0 >= first && $0 <= first.adding(days: 6) }.count <= 3)
        }
        #expect(decision.trace.lines.contains { $0.contains("3 of 3 contacts") })
    }

    @Test("R8: a payment thank-you may break the 48-hour gap but never the daily limit")
    func r8ThanksExemptFromGapOnly() async throws {
        let agreement = Fixture.agreement(installments: [("2026-12-10", "50.00"), ("2027-01-10", "50.00")])
        let payment = Fixture.event(.payment, at: "2026-12-08T17:00:00Z", amount: "50.00")
        // A reminder went out yesterday at 10:00 local: 24 h ago. Thanks may go today.
        let yesterday = [Fixture.sent(.preDue, at: "2026-12-07T16:00:00Z", touchpoint: "pre_due:A-1:1")]
        let thanks = try #require(
            Fixture.contact(Fixture.plan(agreement, events: [payment], history: yesterday, at: "2026-12-08T17:05:00Z")))
        #expect(thanks.kind == .thanks)
        #expect(chicago.localDate(of: thanks.notBefore) == Fixture.date("2026-12-08"))
        // A reminder went out this morning: the thank-you waits for tomorrow.
        let today = [Fixture.sent(.preDue, at: "2026-12-08T15:00:00Z", touchpoint: "pre_due:A-1:1")]
        let later = try #require(
            Fixture.contact(
                Fixture.plan(
                    agreement, events: [payment], history: today, at: "2026-12-08T17:05:00Z",
                    policy: Fixture.longLookahead)))
        #expect(later.kind == .thanks)
        #expect(chicago.localDate(of: later.notBefore) == Fixture.date("2026-12-09"))
    }

    @Test("R8: contacts already spooled for the future count too")
    func r8FutureContactsCount() async throws {
        let history = [Fixture.sent(.preDue, agreement: "A-2", at: "2026-12-08T18:00:00Z", state: .spooled)]
        let agreement = Fixture.agreement(installments: [("2026-12-10", "50.00")])
        let decision = Fixture.plan(
            agreement, history: history, at: "2026-12-07T12:00:00Z", policy: Fixture.longLookahead)
        let contact = try #require(Fixture.contact(decision))
        #expect(abs(contact.notBefore.timeIntervalSince(history[0].notBefore)) >= 48 * 3600)
    }

    @Test("R11: send times are spread by a stable per-debtor offset, not all at 09:00")
    func r11Spread() {
        var minutes: Set<Int> = []
        for index in 0..<40 {
            let agreement = Fixture.agreement("A-\(index)", installments: [("2026-12-10", "50.00")])
            if let contact = Fixture.contact(Fixture.plan(agreement, at: "2026-12-07T06:00:00Z")) {
                minutes.insert(chicago.localTime(of: contact.notBefore).minutes)
            }
        }
        #expect(minutes.count > 20)
        let again = Fixture.contact(Fixture.plan(Fixture.agreement("A-3"), at: "2026-12-07T06:00:00Z"))
        let twice = Fixture.contact(Fixture.plan(Fixture.agreement("A-3"), at: "2026-12-07T06:00:00Z"))
        #expect(again == twice)
    }
}

/// R7 (calls per debt) and R9 (jurisdiction profiles).
@Suite("Calls and jurisdictions")
struct CallsAndJurisdictionTests {
    @Test("R7: no call in the 7 days after a conversation (the conversation day is day 1)")
    func r7Conversation() async throws {
        let agreement = Fixture.agreement(
            contacts: [.voice: "+12145550100", .email: "sam@example.org"], preferred: .voice,
            installments: [("2026-12-01", "50.00")])
        let talk = Fixture.event(.conversation, at: "2026-12-03T16:00:00Z")
        let during = try #require(Fixture.contact(Fixture.plan(agreement, events: [talk], at: "2026-12-04T15:00:00Z")))
        #expect(during.channel == .email)
        let decision = Fixture.plan(agreement, events: [talk], at: "2026-12-10T15:00:00Z")
        #expect(Fixture.contact(decision)?.channel == .voice, "day 8 after the conversation: calls allowed again")
        let voiceOnly = Fixture.agreement(contacts: [.voice: "+12145550100"], installments: [("2026-12-01", "50.00")])
        #expect(Fixture.contact(Fixture.plan(voiceOnly, events: [talk], at: "2026-12-09T15:00:00Z")) == nil)
    }

    /// Seven call attempts in the seven days before 2026-12-08T17:00Z: two reached the debtor
    /// (R8 allows a third contact now, 48 hours after the last), the last one reached them (a
    /// failed channel would yield to the next) and the last three did not all fail (R35 keeps
    /// voice usable). Only R7 stands between the planner and another call.
    static let callAttempts: [ContactRecord] = [
        ("2026-12-02T16:00:00Z", JobState.failed), ("2026-12-02T19:00:00Z", .failed),
        ("2026-12-03T16:00:00Z", .delivered), ("2026-12-04T16:00:00Z", .failed),
        ("2026-12-05T16:00:00Z", .failed), ("2026-12-06T15:00:00Z", .failed), ("2026-12-06T16:30:00Z", .delivered),
    ].map { at, state in Fixture.sent(.followUp, at: at, state: state, channel: .voice) }

    @Test("R7: at most 7 call attempts about a debt in 7 days, unanswered ones included")
    func r7Attempts() throws {
        let agreement = Fixture.agreement(
            contacts: [.voice: "+12145550100", .email: "sam@example.org"], preferred: .voice,
            installments: [("2026-11-20", "50.00")])
        let now = "2026-12-08T17:00:00Z"
        let six = Fixture.contact(
            Fixture.plan(
                agreement, history: Array(Self.callAttempts.dropFirst()), at: now, policy: Fixture.longLookahead))
        #expect(six?.channel == .voice, "with six attempts the planner calls: R7 is what stops the seventh")
        let seven = try #require(
            Fixture.contact(
                Fixture.plan(agreement, history: Self.callAttempts, at: now, policy: Fixture.longLookahead)))
        // The oldest of the seven leaves the 7 days at 2026-12-09T16:00Z: no call before that.
        #expect(seven.channel != .voice || seven.notBefore > Fixture.instant("2026-12-09T16:00:00Z"))
    }

    @Test("R9: US-MA allows 2 calls or texts about a debt in 7 days; other channels still pace by R8")
    func r9Massachusetts() async throws {
        var agreement = Fixture.agreement(
            contacts: [.sms: "+12145550100", .email: "sam@example.org"], installments: [("2026-12-01", "50.00")])
        agreement.jurisdiction = "US-MA"
        var policy = Fixture.longLookahead
        policy.maxPerWeek = 3
        let texts = ["2026-12-02T16:00:00Z", "2026-12-04T16:00:00Z"].map {
            Fixture.sent(.followUp, at: $0, channel: .sms)
        }
        let decision = Fixture.plan(agreement, history: texts, at: "2026-12-06T15:00:00Z", policy: policy)
        let contact = try #require(Fixture.contact(decision))
        #expect(contact.notBefore >= Fixture.instant("2026-12-09T06:00:00Z"), "the 2 texts must age out first")
        #expect(decision.trace.lines.contains { $0.contains("R9 US-MA") })
        var elsewhere = agreement
        elsewhere.jurisdiction = nil
        #expect(
            try #require(
                Fixture.contact(Fixture.plan(elsewhere, history: texts, at: "2026-12-06T15:00:00Z", policy: policy))
            ).notBefore < contact.notBefore)
    }

    @Test("R9: the US-WA profile caps contacts of any channel about one debt per week (here made stricter: 1)")
    func r9Washington() async throws {
        var agreement = Fixture.agreement(installments: [("2026-12-01", "50.00")])
        agreement.jurisdiction = "US-WA"
        var policy = Fixture.longLookahead
        policy.jurisdictions["US-WA"]?.maxContactsPerWeek = 1
        let email = [Fixture.sent(.preDue, at: "2026-12-03T16:00:00Z", channel: .email)]
        let decision = Fixture.plan(agreement, history: email, at: "2026-12-09T15:00:00Z", policy: policy)
        let contact = try #require(Fixture.contact(decision))
        #expect(
            ZoneClock(identifier: "America/Chicago")!.localDate(of: contact.notBefore) >= Fixture.date("2026-12-10"))
        #expect(decision.trace.lines.contains { $0.contains("R9 US-WA") })
        #expect(Policy.standard.jurisdictions["US-WA"]?.maxContactsPerWeek == 3)
    }
}

/// R28: one message for several agreements due near each other.
@Suite("Grouping")
struct GroupingTests {
    @Test("R28: a debtor's reminders for installments due within 3 days go out as one message listing every agreement")
    func grouped() async throws {
        let first = Fixture.agreement("A-1", debtor: "D-1", installments: [("2026-12-10", "50.00")])
        let second = Fixture.agreement("A-2", debtor: "D-1", installments: [("2026-12-12", "30.00")])
        let farther = Fixture.agreement("A-3", debtor: "D-1", installments: [("2026-12-28", "20.00")])
        let contacts = Fixture.run(
            [first, second, farther], from: "2026-12-06T12:00:00Z", until: "2026-12-27T00:00:00Z")
        let reminders = contacts.filter { $0.kind == .preDue }
        let together = try #require(reminders.first)
        #expect(Set(together.agreements) == [Fixture.id("A-1"), Fixture.id("A-2")])
        #expect(together.statement?.due == Money("80.00"))
        #expect(together.reason.contains("R28"))
        #expect(
            !reminders.dropFirst().contains { $0.agreements.contains(Fixture.id("A-2")) }, "A-2 is not reminded again")
        #expect(
            reminders.contains { $0.agreements == [Fixture.id("A-3")] },
            "a due date 18 days later gets its own reminder")
    }

    @Test("R28: agreements of different debtors, or to a different address, are never grouped")
    func notGrouped() {
        let first = Fixture.agreement("A-1", debtor: "D-1", installments: [("2026-12-10", "50.00")])
        let other = Fixture.agreement("A-2", debtor: "D-2", installments: [("2026-12-10", "30.00")])
        let elsewhere = Fixture.agreement(
            "A-3", debtor: "D-1", contacts: [.sms: "+12145550199", .email: "x@example.org"],
            installments: [("2026-12-10", "20.00")])
        let contacts = Fixture.run(
            [first, other, elsewhere], from: "2026-12-06T12:00:00Z", until: "2026-12-12T00:00:00Z")
        #expect(contacts.filter { $0.kind == .preDue }.allSatisfy { $0.agreements.count == 1 })
    }
}

/// R11: the optional per-channel rate limit.
@Suite("Rate limit")
struct RateLimitTests {
    @Test("R11: with sms limited to 2 per minute, no minute carries more, and the trace says why a send moved")
    func perMinute() async throws {
        var policy = Policy.standard
        policy.ratePerMinute = [.sms: 2]
        policy.spreadMinutes = 1  // everyone wants the same minute
        let planner = Planner(policy: policy)
        var load = ChannelLoad(limits: policy.ratePerMinute)
        let now = Fixture.instant("2026-12-07T12:00:00Z")
        var minutes: [Int: Int] = [:]
        var moved = false
        for index in 0..<9 {
            let agreement = Fixture.agreement("A-\(index)", installments: [("2026-12-10", "50.00")])
            let decision = planner.plan(
                AgreementState(agreement: agreement, events: [], now: now), history: [], load: load, now: now,
                explaining: true)
            let contact = try #require(Fixture.contact(decision))
            #expect(contact.channel == .sms)
            let minute = ChannelLoad.minute(of: contact.notBefore)
            load.add(.sms, minute: minute)
            minutes[minute, default: 0] += 1
            moved = moved || decision.trace.lines.contains { $0.contains("R11: sms at its 2/min limit") }
        }
        #expect(minutes.values.allSatisfy { $0 <= 2 })
        #expect(minutes.count >= 5)
        #expect(moved)
    }
}
