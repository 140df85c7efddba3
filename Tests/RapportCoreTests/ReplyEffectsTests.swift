import Foundation
import Testing
@testable import RapportCore

/// R31–R35: what an inbound message does to the agreements it concerns, and the answers the
/// planner sends (R31's confirmation, R32's help).
@Suite("What a reply does")
struct ReplyEffectsTests {
    /// The job a delivery report concerns.
    static let job = JobID(touchpoint: TouchpointKey(rawValue: "pre_due:A-1:1"), attempt: 0)
    let now = Fixture.instant("2026-12-02T16:00:00Z")  // 10:00 in Chicago

    func state(_ id: String, events: [Event] = [], contacts: [Channel: String]? = nil) -> AgreementState {
        var agreement = Fixture.agreement(id, installments: [("2026-12-10", "50.00")])
        if let contacts { agreement.contacts = contacts }
        return AgreementState(agreement: agreement, events: events, now: now)
    }

    func sms(_ text: String, from: String = "+1 214 555 0100") -> InboundMessage {
        InboundMessage(channel: .sms, from: from, receivedAt: now, text: text)
    }

    @Test("R31 R16: a keyword opts the address out on every agreement using it, with one confirmation")
    func r31SharedNumber() {
        let effects = ReplyEffects.of(sms("Stop!"), matched: [state("A-1"), state("A-2")], job: nil)
        #expect(effects.outcome == .optOut && effects.inbox == nil)
        #expect(effects.events.map(\.agreement) == [Fixture.id("A-1"), Fixture.id("A-2")])
        #expect(effects.events.allSatisfy { $0.type == .optOut && $0.channel == .sms && $0.address == "+12145550100" })
        #expect(effects.events.map(\.confirm) == [true, nil], "one confirmation for a shared number")
    }

    @Test(
        "R31 R12: a possible cease stops the channel without a confirmation, and a person decides; START cannot undo it"
    )
    func r31PossibleCease() {
        let effects = ReplyEffects.of(sms("stop contacting me"), matched: [state("A-1")], job: nil)
        #expect(effects.outcome == .possibleCease && effects.inbox != nil)
        #expect(effects.events.first?.address == nil && effects.events.first?.confirm == nil)
        let after = state("A-1", events: effects.events)
        let start = ReplyEffects.of(
            InboundMessage(channel: .sms, from: "+12145550100", receivedAt: now.addingTimeInterval(60), text: "START"),
            matched: [after], job: nil)
        #expect(start.outcome == .optInForReview && start.events.isEmpty)
    }

    @Test("R33: START restores a keyword opt-out of that address, not one after a cease or an attorney")
    func r33() {
        let stop = ReplyEffects.of(sms("STOP"), matched: [state("A-1")], job: nil).events
        let later = InboundMessage(
            channel: .sms, from: "+12145550100", receivedAt: now.addingTimeInterval(60), text: "unstop")
        #expect(ReplyEffects.of(later, matched: [state("A-1", events: stop)], job: nil).events.map(\.type) == [.optIn])
        let ceased = state("A-1", events: stop + [Fixture.event(.cease, at: "2026-12-02T15:00:00Z")])
        let refused = ReplyEffects.of(later, matched: [ceased], job: nil)
        #expect(
            refused.outcome == .optInForReview && refused.events.isEmpty && refused.inbox?.contains("cease") == true)
        let otherAddress = InboundMessage(
            channel: .sms, from: "+12145550199", receivedAt: now.addingTimeInterval(60), text: "START")
        #expect(ReplyEffects.of(otherAddress, matched: [state("A-1", events: stop)], job: nil).events.isEmpty)
    }

    @Test(
        """
        R34: a conversation is a reply event on the job's agreements and waits in the inbox; an unknown sender only \
        waits
        """
    )
    func r34() {
        let a1 = state("A-1"), a2 = state("A-2")
        let effects = ReplyEffects.of(
            sms("Can I pay Friday?"), matched: [a1, a2], answered: [a2],
            job: JobID(touchpoint: TouchpointKey(rawValue: "x"), attempt: 0))
        #expect(effects.outcome == .conversation && effects.inbox != nil)
        #expect(effects.events.map(\.agreement) == [Fixture.id("A-2")] && effects.events.first?.type == .reply)
        let unknown = ReplyEffects.of(sms("STOP", from: "+19995550000"), matched: [], job: nil)
        #expect(unknown.outcome == .unmatched && unknown.events.isEmpty && unknown.inbox != nil)
    }

    @Test(
        """
        R35: permanent bounce, temporary bounce, unsubscribe; a voice note's keyword applies to voice and a person looks
        """
    )
    func r35() {
        let bounce = InboundMessage(
            channel: .email, kind: .bounce, from: nil, receivedAt: now, recipient: "Sam@Example.org", status: "5.1.1")
        #expect(ReplyEffects.of(bounce, matched: [state("A-1")], job: nil).events.map(\.type) == [.bounce])
        var temporary = bounce
        temporary.status = "4.4.1"
        #expect(
            ReplyEffects.of(temporary, matched: [state("A-1")], job: Self.job)
                == ReplyEffects(outcome: .temporaryFailure, failedJob: Self.job))
        let unsubscribe = InboundMessage(
            channel: .email, kind: .unsubscribe, from: nil, receivedAt: now, recipient: "sam@example.org")
        let events = ReplyEffects.of(unsubscribe, matched: [state("A-1")], job: nil).events
        #expect(
            events.map(\.type) == [.optOut] && events.first?.channel == .email
                && events.first?.address == "sam@example.org")
        let note = InboundMessage(channel: .voice, from: "+12145550100", receivedAt: now, text: "stop")
        let voice = ReplyEffects.of(note, matched: [state("A-1")], job: nil)
        #expect(voice.events.first?.channel == .voice && voice.events.first?.confirm == nil && voice.inbox != nil)
        let state = state("A-1", events: ReplyEffects.of(bounce, matched: [state("A-1")], job: nil).events)
        #expect(
            Fixture.planner.plan(state, history: [], now: now, explaining: true).trace.lines.contains {
                $0.contains("bounced permanently")
            })
    }

    @Test("R35: a permanent bounce of a number makes that number unusable for SMS, not the e-mail address")
    func r35SMSBounce() {
        let bounce = InboundMessage(
            channel: .sms, kind: .bounce, from: nil, receivedAt: now, recipient: "+1 214 555 0100", status: "5.1.1")
        let events = ReplyEffects.of(bounce, matched: [state("A-1")], job: nil).events
        #expect(events.map(\.type) == [.bounce])
        #expect(events.first?.channel == .sms && events.first?.address == "+12145550100")
    }

    @Test("R31: one confirmation, only within 5 minutes of the reply and inside R1's hours; none otherwise")
    func r31Confirmation() async throws {
        let stop = ReplyEffects.of(sms("STOP"), matched: [state("A-1")], job: nil).events
        let decision = Fixture.planner.plan(state("A-1", events: stop), history: [], now: now.addingTimeInterval(30))
        let contact = try #require(Fixture.contact(decision))
        #expect(contact.kind == .optOutConfirmation && contact.channel == .sms && contact.to == "+12145550100")
        #expect(contact.notAfter == now.addingTimeInterval(300))
        let late = Fixture.planner.plan(state("A-1", events: stop), history: [], now: now.addingTimeInterval(400))
        #expect(Fixture.contact(late)?.kind != .optOutConfirmation)
        #expect(late.dropped.contains { $0.kind == .optOutConfirmation && $0.reason.contains("5 minutes") })
        // 20:58 in Chicago: the five minutes run past 21:00.
        let evening = Fixture.instant("2026-12-03T02:58:00Z")
        let eveningStop = ReplyEffects.of(
            InboundMessage(channel: .sms, from: "+12145550100", receivedAt: evening, text: "STOP"),
            matched: [state("A-1")], job: nil
        ).events
        let night = Fixture.planner.plan(
            AgreementState(agreement: Fixture.agreement(), events: eveningStop, now: evening), history: [], now: evening
        )
        #expect(night.dropped.contains { $0.kind == .optOutConfirmation && $0.reason.contains("R1") })
    }

    @Test("R32: help goes at once outside R8's pacing, once a day, and does not count against R8")
    func r32Help() async throws {
        let help = ReplyEffects.of(sms("HELP"), matched: [state("A-1")], job: nil).events
        let recent = Fixture.sent(.preDue, at: "2026-12-02T15:00:00Z")  // an hour ago: R8 would say no
        let decision = Fixture.planner.plan(state("A-1", events: help), history: [recent], now: now)
        let contact = try #require(Fixture.contact(decision))
        #expect(contact.kind == .help && contact.notBefore == now)
        var sent = Fixture.sent(.help, at: "2026-12-02T16:00:00Z", touchpoint: contact.touchpoint.rawValue)
        sent.jobID = contact.jobID
        let again =
            help
            + ReplyEffects.of(
                InboundMessage(
                    channel: .sms, from: "+12145550100", receivedAt: now.addingTimeInterval(600), text: "info"),
                matched: [state("A-1")], job: nil
            ).events
        let second = Fixture.planner.plan(
            state("A-1", events: again), history: [sent], now: now.addingTimeInterval(700))
        #expect(Fixture.contact(second)?.kind != .help, "one a day")
        // The help does not count: the reminder due on its day is planned as if it never went.
        let reminderDay = Fixture.instant("2026-12-07T15:30:00Z")
        let reminderState = AgreementState(
            agreement: Fixture.agreement("A-1", installments: [("2026-12-10", "50.00")]), events: help, now: reminderDay
        )
        var answered = Fixture.sent(.help, at: "2026-12-07T15:00:00Z", touchpoint: contact.touchpoint.rawValue)
        answered.jobID = contact.jobID
        let unhelped = try #require(
            Fixture.contact(Fixture.planner.plan(reminderState, history: [], now: reminderDay)))
        let helped = Fixture.contact(Fixture.planner.plan(reminderState, history: [answered], now: reminderDay))
        #expect(unhelped.kind == .preDue)
        #expect(helped?.kind == .preDue && helped?.notBefore == unhelped.notBefore)
    }
}
