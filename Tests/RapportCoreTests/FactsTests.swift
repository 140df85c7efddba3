import Foundation
import Testing

@testable import RapportCore

/// Issue 24's findings about what a message claims, each checked on the facts the planner
/// computes (`Facts.swift`): the templates can only say what these are.
@Suite("Facts a message states (R37 R26 R27 R40)")
struct FactsTests {
    let chicago = ZoneClock(identifier: "America/Chicago")!
    let twoMonthly: [(String, String)] = [("2026-10-28", "50.00"), ("2026-11-28", "50.00"), ("2026-12-28", "50.00")]

    /// The facts of a follow-up planned at `now` after `history`, with `events`.
    func followUpFacts(history: [ContactRecord], events: [Event] = [], at now: String) throws -> Statement.Silence {
        let agreement = Fixture.agreement(installments: [("2026-11-28", "50.00"), ("2027-02-28", "50.00")])
        let state = AgreementState(agreement: agreement, events: events, now: Fixture.instant(now))
        let statement = Fixture.planner.statement(
            of: .followUp, keys: [], about: [state], history: history, at: Fixture.instant(now), clock: chicago)
        return try #require(statement.silence)
    }

    @Test("R37: \"several times\" needs three unanswered written contacts; a call is not written")
    func r37SeveralTimes() throws {
        let two = [
            Fixture.sent(.missed, at: "2026-12-01T16:00:00Z"), Fixture.sent(.followUp, at: "2026-12-08T16:00:00Z"),
            Fixture.sent(.followUp, at: "2026-12-15T16:00:00Z", channel: .voice),
        ]
        let silence = try followUpFacts(history: two, at: "2026-12-22T16:00:00Z")
        #expect(silence.unansweredWritten == 2)
        #expect(!silence.several)
        let three = two + [Fixture.sent(.followUp, at: "2026-12-18T16:00:00Z", channel: .email)]
        #expect(try followUpFacts(history: three, at: "2026-12-22T16:00:00Z").several)
        // A withdrawn job was never read.
        let withdrawn = two + [Fixture.sent(.followUp, at: "2026-12-18T16:00:00Z", state: .withdrawn)]
        #expect(try !followUpFacts(history: withdrawn, at: "2026-12-22T16:00:00Z").several)
    }

    @Test("R37: a conversation, reply, promise or payment starts the count again and is the date stated")
    func r37Conversation() throws {
        let history = [
            Fixture.sent(.missed, at: "2026-11-10T16:00:00Z"), Fixture.sent(.followUp, at: "2026-11-17T16:00:00Z"),
            Fixture.sent(.followUp, at: "2026-11-19T16:00:00Z"), Fixture.sent(.followUp, at: "2026-12-01T16:00:00Z"),
            Fixture.sent(.followUp, at: "2026-12-03T16:00:00Z"),
        ]
        for type in [EventType.conversation, .reply, .promise, .payment] {
            var event = Fixture.event(type, at: "2026-11-20T17:00:00Z", amount: type == .payment ? "1.00" : nil)
            if type == .promise { event.date = Fixture.date("2026-11-25") }
            let silence = try followUpFacts(history: history, events: [event], at: "2026-12-03T17:00:00Z")
            #expect(silence.unansweredWritten == 2, "\(type)")
            #expect(!silence.several, "\(type)")
            #expect(silence.lastHeard == Fixture.date("2026-11-20"), "\(type)")
        }
    }

    @Test("R37: a partial payment is stated as received, with what remains")
    func r37Partial() throws {
        let agreement = Fixture.agreement(installments: [("2026-11-28", "50.00"), ("2026-12-28", "50.00")])
        let partial = Fixture.event(.payment, at: "2026-12-01T15:00:00Z", amount: "20.00")
        let contacts = Fixture.run(
            [agreement], events: [partial], from: "2026-12-01T15:00:00Z", until: "2026-12-05T00:00:00Z")
        #expect(contacts.map(\.kind) == [.thanks, .missed])
        let contact = try #require(contacts.last)
        let overdue = try #require(contact.statement?.overdue)
        #expect(overdue.total == Money("30.00") && overdue.received == Money("20.00") && overdue.count == 1)
    }

    @Test("R37 R28: a grouped reminder states each agreement's amount and due date when they differ")
    func r37GroupedParts() throws {
        var first = Fixture.agreement("A-1", debtor: "D-1", installments: [("2026-12-26", "30.00")])
        first.reference = "LOAN-7731"
        let second = Fixture.agreement("A-2", debtor: "D-1", installments: [("2026-12-28", "50.00")])
        let portfolio = Portfolio(agreements: [first, second], events: [], history: [])
        let plan = Fixture.planner.planDebtor(portfolio, now: Fixture.instant("2026-12-23T15:00:00Z"))
        let reminder = try #require(plan.sends.first { $0.kind == .preDue })
        #expect(reminder.agreements.count == 2)
        let parts = try #require(reminder.statement?.parts)
        #expect(parts.map(\.amount) == [Money("30.00")!, Money("50.00")!])
        #expect(parts.map(\.due) == [Fixture.date("2026-12-26"), Fixture.date("2026-12-28")])
        #expect(parts.map(\.reference) == ["…7731", "A-2"], "R39: a long reference by its last 4 characters")
        #expect(reminder.statement?.due == Money("80.00"))
    }

    @Test("R26: a receipt states the payment, its date and the balance; the last one a zero balance")
    func r26Receipts() throws {
        let agreement = Fixture.agreement(installments: [("2026-12-10", "50.00"), ("2027-01-10", "50.00")])
        let paid = Fixture.event(.payment, at: "2026-12-09T15:00:00Z", amount: "50.00")
        let thanks = try #require(Fixture.contact(Fixture.plan(agreement, events: [paid], at: "2026-12-09T15:30:00Z")))
        #expect(thanks.kind == .thanks)
        #expect(thanks.statement?.payment?.amount == Money("50.00"))
        #expect(thanks.statement?.payment?.on == Fixture.date("2026-12-09"))
        #expect(thanks.statement?.balance == Money("50.00"))
        #expect(thanks.reference == "A-1")
        let last = Fixture.event(.payment, at: "2026-12-20T15:00:00Z", amount: "50.00")
        let done = try #require(
            Fixture.contact(
                Fixture.plan(
                    agreement, events: [paid, last], history: [ContactRecord(planned: thanks)],
                    at: "2026-12-20T15:30:00Z")))
        #expect(done.kind == .completed)
        #expect(done.statement?.balance == .zero)
        #expect(done.statement?.payment?.on == Fixture.date("2026-12-20"))
    }

    @Test("R27: a promise for a Monday is reminded on the Saturday before (no contact on Sundays)")
    func r27Monday() throws {
        let agreement = Fixture.agreement(installments: [("2026-12-01", "50.00"), ("2027-01-01", "50.00")])
        var promise = Fixture.event(.promise, at: "2026-12-02T16:00:00Z", amount: "40.00")
        promise.date = Fixture.date("2026-12-14")
        let contacts = Fixture.run(
            [agreement], events: [promise], from: "2026-12-02T16:30:00Z", until: "2026-12-15T00:00:00Z")
        let reminder = try #require(contacts.first { $0.kind == .promiseReminder }, "\(contacts.map(\.kind))")
        #expect(chicago.localDate(of: reminder.notBefore) == Fixture.date("2026-12-12"))
        #expect(reminder.statement?.promise?.amount == Money("40.00"))
        #expect(reminder.statement?.promise?.date == Fixture.date("2026-12-14"))
    }

    @Test("R40: a welcome only for an agreement imported with welcome, once, stating its schedule")
    func r40Welcome() throws {
        var fresh = Fixture.agreement(installments: [("2026-12-20", "50.00"), ("2027-01-20", "50.00")])
        fresh.welcome = true
        let contacts = Fixture.run([fresh], from: "2026-12-07T15:00:00Z", until: "2026-12-21T00:00:00Z")
        #expect(contacts.filter { $0.kind == .welcome }.count == 1)
        let welcome = try #require(contacts.first)
        #expect(welcome.kind == .welcome, "the welcome comes before the first reminder")
        #expect(welcome.statement?.schedule.map(\.due) == [Fixture.date("2026-12-20"), Fixture.date("2027-01-20")])
        let moved = Fixture.agreement(installments: [("2026-12-20", "50.00")])
        #expect(
            !Fixture.run([moved], from: "2026-12-07T15:00:00Z", until: "2026-12-21T00:00:00Z").contains {
                $0.kind == .welcome
            }, "a book moved into Rapport is not welcomed")
    }

    @Test("R40: a changed schedule is confirmed once; a paced contact, not an answer")
    func r40PlanChanged() throws {
        var agreement = Fixture.agreement(installments: [("2027-01-20", "40.00"), ("2027-02-20", "40.00")])
        agreement.scheduleChangedAt = Fixture.instant("2026-12-07T14:00:00Z")
        let contacts = Fixture.run([agreement], from: "2026-12-07T15:00:00Z", until: "2026-12-20T00:00:00Z")
        #expect(contacts.map(\.kind) == [.planChanged])
        #expect(contacts.first?.statement?.schedule.map(\.amount) == [Money("40.00")!, Money("40.00")!])
        #expect(!ContactKind.planChanged.isAnswer && !ContactKind.welcome.isAnswer)
    }

    @Test("R40: a dispute, hardship, breathing space, START and a message are each acknowledged once, at once")
    func r40Acknowledgments() throws {
        let agreement = Fixture.agreement(installments: [("2026-12-01", "50.00"), ("2027-01-01", "50.00")])
        var start = Fixture.event(.optIn, at: "2026-12-08T15:00:00Z", channel: .sms)
        start.address = "+12145550100"
        let cases: [(Event, ContactKind)] = [
            (Fixture.event(.dispute, at: "2026-12-08T15:00:00Z"), .disputeAck),
            (Fixture.event(.hardship, at: "2026-12-08T15:00:00Z", until: "2027-01-31"), .pauseAck),
            (Fixture.event(.breathingSpace, at: "2026-12-08T15:00:00Z"), .pauseAck),
            (start, .optInConfirmation),
            (Fixture.event(.reply, at: "2026-12-08T15:00:00Z", channel: .sms), .replyAck),
        ]
        for (event, kind) in cases {
            let contacts = Fixture.run(
                [agreement], events: [event], from: "2026-12-08T15:00:00Z", until: "2026-12-12T00:00:00Z")
            #expect(contacts.filter { $0.kind == kind }.count == 1, "\(event.type): \(contacts.map(\.kind))")
            #expect(contacts.first?.kind == kind, "\(event.type) first")
            #expect(contacts.first?.notBefore == Fixture.instant("2026-12-08T15:00:00Z"), "\(event.type) at once")
        }
        let hardship = Fixture.run(
            [agreement], events: [cases[1].0], from: "2026-12-08T15:00:00Z", until: "2026-12-12T00:00:00Z")
        #expect(hardship.first?.statement?.pausedThrough == Fixture.date("2027-01-31"))
    }

    @Test("R40: one \"we have your message\" a day for the debtor, however many agreements it concerned")
    func r40ReplyAckOncePerDay() throws {
        let first = Fixture.agreement("A-1", debtor: "D-1", installments: [("2027-01-01", "50.00")])
        let second = Fixture.agreement("A-2", debtor: "D-1", installments: [("2027-01-03", "30.00")])
        let replies = ["A-1", "A-2"].flatMap { id in
            ["2026-12-08T15:00:00Z", "2026-12-08T18:00:00Z", "2026-12-09T15:00:00Z"].map {
                Fixture.event(.reply, id, at: $0, channel: .sms)
            }
        }
        let contacts = Fixture.run(
            [first, second], events: replies, from: "2026-12-08T15:00:00Z", until: "2026-12-11T00:00:00Z")
        let acks = contacts.filter { $0.kind == .replyAck }
        #expect(
            acks.map { chicago.localDate(of: $0.notBefore) } == [
                Fixture.date("2026-12-08"), Fixture.date("2026-12-09"),
            ])
    }

    @Test("R40 R12 R13: nothing is acknowledged after a cease or an attorney, beyond the cease's one confirmation")
    func r40NothingAfterCease() throws {
        let agreement = Fixture.agreement(installments: [("2027-01-01", "50.00")])
        for stop in [EventType.cease, .attorney] {
            var promise = Fixture.event(.promise, at: "2026-12-08T16:00:00Z")
            promise.date = Fixture.date("2026-12-20")
            let events = [
                Fixture.event(stop, at: "2026-12-08T15:00:00Z"), promise,
                Fixture.event(.reply, at: "2026-12-08T16:00:00Z", channel: .sms),
                Fixture.event(.dispute, at: "2026-12-08T16:00:00Z"),
            ]
            let contacts = Fixture.run(
                [agreement], events: events, from: "2026-12-08T15:00:00Z", until: "2026-12-20T00:00:00Z")
            #expect(contacts.map(\.kind) == (stop == .cease ? [.ceaseConfirmation] : []), "\(stop)")
        }
    }

    @Test("R24: a reminder by letter is posted 7 days before the date, so it arrives first")
    func r24Letter() throws {
        let agreement = Fixture.agreement(
            contacts: [.letter: "1 Main St, Austin TX 78701"], installments: [("2026-12-28", "50.00")])
        let contacts = Fixture.run([agreement], from: "2026-12-14T15:00:00Z", until: "2026-12-28T00:00:00Z")
        let letter = try #require(contacts.first)
        #expect(letter.channel == .letter && letter.kind == .preDue)
        #expect(chicago.localDate(of: letter.notBefore) == Fixture.date("2026-12-21"))
    }

    @Test("R22: a collector's first written message goes by e-mail with the full disclosure; SMS after that")
    func r22FirstWritten() throws {
        var policy = Policy.standard
        policy.collector = true
        let agreement = Fixture.agreement(installments: [("2026-12-28", "50.00"), ("2027-01-28", "50.00")])
        let contacts = Fixture.run(
            [agreement], from: "2026-12-20T15:00:00Z", until: "2027-01-28T00:00:00Z", policy: policy)
        let first = try #require(contacts.first)
        #expect(first.channel == .email && first.firstWritten)
        let later = try #require(contacts.dropFirst().first)
        #expect(later.channel == .sms && !later.firstWritten)
    }
}
