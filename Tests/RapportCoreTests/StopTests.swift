import Foundation
import Testing
@testable import RapportCore

/// R12-R16 (who must not be contacted) and R18 (withdrawal of waiting jobs).
@Suite("Who must not be contacted")
struct StopTests {
    let chicago = ZoneClock(identifier: "America/Chicago")!
    let agreement = Fixture.agreement(installments: [("2026-12-10", "50.00")])
    let now = "2026-12-08T15:00:00Z"
    let waitingReminder = Fixture.sent(
        .preDue, at: "2026-12-08T18:00:00Z", touchpoint: "pre_due:A-1:1", state: .spooled)

    func blockedRule(_ decision: Decision) -> String? {
        if case .blocked(let rule, _) = decision.outcome { return rule.rawValue }
        return nil
    }

    @Test("R12: after a cease notice only one confirmation, then nothing; waiting jobs withdrawn")
    func r12Cease() async throws {
        let cease = Fixture.event(.cease, at: "2026-12-08T14:00:00Z")
        let decision = Fixture.plan(agreement, events: [cease], history: [waitingReminder], at: now)
        let confirmation = try #require(Fixture.contact(decision))
        #expect(confirmation.kind == .ceaseConfirmation)
        #expect(decision.withdrawals.map(\.jobID) == [waitingReminder.jobID])
        #expect(decision.withdrawals.first?.reason.contains("R12") == true)
        let confirmed = Fixture.sent(
            .ceaseConfirmation, at: "2026-12-08T16:00:00Z", touchpoint: confirmation.touchpoint.rawValue)
        let after = Fixture.plan(agreement, events: [cease], history: [confirmed], at: "2026-12-20T15:00:00Z")
        #expect(Fixture.contact(after) == nil)
        #expect(blockedRule(after) == "R12")
        let contacts = Fixture.run(
            [agreement], events: [cease], from: "2026-12-08T14:30:00Z", until: "2027-02-01T00:00:00Z")
        #expect(contacts.map(\.kind) == [.ceaseConfirmation])
    }

    @Test("R12: after a cease, a payment gets no thank-you and paying in full no congratulation")
    func r12NoThanksAfterCease() {
        let cease = Fixture.event(.cease, at: "2026-12-08T14:00:00Z")
        let partial = Fixture.event(.payment, at: "2026-12-15T15:00:00Z", amount: "20.00")
        let full = Fixture.event(.payment, at: "2027-01-05T15:00:00Z", amount: "30.00")
        let contacts = Fixture.run(
            [agreement], events: [cease, partial, full], from: "2026-12-08T14:30:00Z", until: "2027-02-01T00:00:00Z")
        #expect(contacts.map(\.kind) == [.ceaseConfirmation], "only the one confirmation")
    }

    @Test("R13: attorney representation stops all contact, without a confirmation")
    func r13Attorney() {
        let attorney = Fixture.event(.attorney, at: "2026-12-08T14:00:00Z")
        let decision = Fixture.plan(agreement, events: [attorney], history: [waitingReminder], at: now)
        #expect(Fixture.contact(decision) == nil)
        #expect(blockedRule(decision) == "R13")
        #expect(decision.withdrawals.count == 1)
        #expect(Fixture.run([agreement], events: [attorney], from: now, until: "2027-01-15T00:00:00Z").isEmpty)
    }

    @Test("R14: a dispute pauses collection contact until resolved; a thank-you may still go")
    func r14Dispute() async throws {
        let dispute = Fixture.event(.dispute, at: "2026-12-08T14:00:00Z")
        // R40: the dispute is acknowledged once; after that, collection waits.
        let acknowledged = Fixture.plan(agreement, events: [dispute], history: [waitingReminder], at: now)
        let acknowledgment = try #require(Fixture.contact(acknowledged))
        #expect(acknowledgment.kind == .disputeAck)
        #expect(acknowledged.withdrawals.count == 1)
        let sent = ContactRecord(planned: acknowledgment)
        let disputed = Fixture.plan(agreement, events: [dispute], history: [waitingReminder, sent], at: now)
        #expect(Fixture.contact(disputed) == nil)
        #expect(blockedRule(disputed) == "R14")

        let payment = Fixture.event(.payment, at: "2026-12-08T14:30:00Z", amount: "10.00")
        let thanks = try #require(
            Fixture.contact(Fixture.plan(agreement, events: [dispute, payment], history: [sent], at: now)))
        #expect(thanks.kind == .thanks)

        let resolved = Fixture.event(.disputeResolved, at: "2026-12-08T14:45:00Z")
        let resumed = try #require(Fixture.contact(Fixture.plan(agreement, events: [dispute, resolved], at: now)))
        #expect(resumed.kind == .preDue)
    }

    @Test("R15: bankruptcy and a deceased debtor stop everything; breathing space holds collection for 60 days")
    func r15() async throws {
        for type in [EventType.bankruptcy, .deceased] {
            let decision = Fixture.plan(agreement, events: [Fixture.event(type, at: "2026-12-08T14:00:00Z")], at: now)
            #expect(Fixture.contact(decision) == nil)
            #expect(blockedRule(decision) == "R15")
        }
        let missedAgreement = Fixture.agreement(installments: [("2026-12-01", "50.00")])
        let space = Fixture.event(.breathingSpace, at: "2026-12-08T14:00:00Z")
        let contacts = Fixture.run([missedAgreement], events: [space], from: now, until: "2027-02-15T00:00:00Z")
        // R40: the breathing space is acknowledged at once; nothing about the debt follows inside it.
        #expect(contacts.first?.kind == .pauseAck)
        let first = try #require(contacts.dropFirst().first)
        // 60 days from 2026-12-08 is 2027-02-06; the next contact day after it is Monday the 8th.
        #expect(chicago.localDate(of: first.notBefore) == Fixture.date("2027-02-08"))
        #expect(first.kind == .missed)
    }

    @Test("R16: an opted-out channel is never used; SMS needs consent; no channel left blocks")
    func r16() async throws {
        let optOut = Fixture.event(.optOut, at: "2026-12-08T14:00:00Z", channel: .sms)
        let decision = Fixture.plan(agreement, events: [optOut], history: [waitingReminder], at: now)
        #expect(decision.withdrawals.map(\.jobID) == [waitingReminder.jobID])
        #expect(decision.withdrawals.first?.reason.contains("R16") == true)
        let replacement = try #require(Fixture.contact(decision))
        #expect(replacement.kind == .preDue)
        #expect(replacement.channel == .email)

        let noConsent = Fixture.agreement(smsConsent: false, installments: [("2026-12-10", "50.00")])
        #expect(Fixture.contact(Fixture.plan(noConsent, at: now))?.channel == .email)

        let smsOnly = Fixture.agreement(contacts: [.sms: "+12145550100"], installments: [("2026-12-10", "50.00")])
        let blocked = Fixture.plan(smsOnly, events: [optOut], at: now)
        #expect(Fixture.contact(blocked) == nil)
        #expect(blockedRule(blocked) == "R16")

        let optIn = Fixture.event(.optIn, at: "2026-12-08T14:30:00Z", channel: .sms)
        #expect(Fixture.contact(Fixture.plan(smsOnly, events: [optOut, optIn], at: now))?.channel == .sms)
    }

    @Test("R17: an operator pause until a date holds everything until the day after")
    func r17Pause() async throws {
        let pause = Event(
            agreement: Fixture.id("A-1"), type: .pause, at: Fixture.instant("2026-12-08T14:00:00Z"),
            until: Fixture.date("2026-12-09"), reason: "debtor asked")
        let decision = Fixture.plan(agreement, events: [pause], history: [waitingReminder], at: now)
        #expect(Fixture.contact(decision) == nil)
        #expect(decision.withdrawals.first?.reason.contains("R17") == true)
        let contacts = Fixture.run([agreement], events: [pause], from: now, until: "2026-12-12T00:00:00Z")
        let first = try #require(contacts.first)
        #expect(chicago.localDate(of: first.notBefore) == Fixture.date("2026-12-10"))
    }

    @Test("R18: a payment in full withdraws the waiting reminder; R26: the congratulation thanks for it")
    func r18PaymentWithdraws() {
        let payment = Fixture.event(.payment, at: "2026-12-08T14:00:00Z", amount: "50.00")
        let decision = Fixture.plan(agreement, events: [payment], history: [waitingReminder], at: now)
        #expect(decision.withdrawals.map(\.jobID) == [waitingReminder.jobID])
        #expect(Fixture.contact(decision)?.kind == .completed)
    }
}

/// Delivery outcomes and what the planner does with them (issue 4's retry policy).
@Suite("Delivery outcomes")
struct DeliveryOutcomeTests {
    let agreement = Fixture.agreement(installments: [("2026-12-10", "50.00")])

    @Test("R16: a failed SMS is retried on the next usable channel, no sooner than the retry delay")
    func failedFallsBack() async throws {
        let failed = Fixture.sent(
            .preDue, at: "2026-12-07T16:00:00Z", touchpoint: "pre_due:A-1:1", state: .failed, channel: .sms)
        let retry = try #require(
            Fixture.contact(Fixture.plan(agreement, history: [failed], at: "2026-12-07T16:30:00Z")))
        #expect(retry.kind == .preDue)
        #expect(retry.channel == .email)
        #expect(retry.notBefore >= Fixture.instant("2026-12-07T17:00:00Z"))
        #expect(retry.jobID != failed.jobID)
    }

    @Test("R16: a channel whose last deliveries to the same address all failed is not used again")
    func keepsFailing() {
        let smsOnly = Fixture.agreement(contacts: [.sms: "+12145550100"], installments: [("2026-12-10", "50.00")])
        let failures = ["2026-12-01T16:00:00Z", "2026-12-03T16:00:00Z", "2026-12-05T16:00:00Z"].map {
            Fixture.sent(.followUp, at: $0, state: .failed, channel: .sms)
        }
        let decision = Fixture.plan(smsOnly, history: failures, at: "2026-12-07T16:30:00Z")
        #expect(Fixture.contact(decision) == nil)
        guard case .blocked(let rule, _) = decision.outcome else { Issue.record("expected blocked"); return }
        #expect(rule.rawValue == "R16")
        // A corrected number is a new address: its history starts clean.
        var corrected = smsOnly
        corrected.contacts[.sms] = "+12145550199"
        #expect(
            Fixture.contact(Fixture.plan(corrected, history: failures, at: "2026-12-07T16:30:00Z"))?.channel == .sms)
    }

    @Test("R8: a delivered job counts against the caps like a spooled one")
    func deliveredCounts() async throws {
        let delivered = Fixture.sent(.preDue, agreement: "A-2", at: "2026-12-07T16:00:00Z", state: .delivered)
        let contact = try #require(
            Fixture.contact(
                Fixture.plan(agreement, history: [delivered], at: "2026-12-07T17:00:00Z", policy: Fixture.longLookahead)
            ))
        #expect(contact.notBefore.timeIntervalSince(delivered.notBefore) >= 48 * 3600)
    }
}

/// R15: a vulnerability flag routes messages to a person instead of the spool.
@Suite("Human review")
struct ReviewTests {
    @Test("R15: for a debtor flagged vulnerable, the planned message is marked for human review")
    func vulnerable() async throws {
        let agreement = Fixture.agreement(installments: [("2026-12-10", "50.00")])
        let flag = Fixture.event(.vulnerable, at: "2026-12-06T12:00:00Z")
        let contact = try #require(Fixture.contact(Fixture.plan(agreement, events: [flag], at: "2026-12-07T15:00:00Z")))
        #expect(contact.needsReview)
        #expect(contact.reason.contains("R15"))
        #expect(Fixture.contact(Fixture.plan(agreement, at: "2026-12-07T15:00:00Z"))?.needsReview == false)
    }
}

extension StopTests {
    @Test("R15: a mental-health crisis breathing space lasts 30 days beyond its end date")
    func r15MentalHealthCrisis() async throws {
        let missed = Fixture.agreement(installments: [("2026-12-01", "50.00")])
        let crisis = Event(
            agreement: Fixture.id("A-1"), type: .breathingSpace, at: Fixture.instant("2026-12-08T14:00:00Z"),
            until: Fixture.date("2027-01-10"), reason: "mental health crisis moratorium")
        let first = try #require(
            Fixture.run([missed], events: [crisis], from: now, until: "2027-02-20T00:00:00Z").first {
                $0.kind != .pauseAck
            })
        #expect(chicago.localDate(of: first.notBefore) >= Fixture.date("2027-02-10"))
        let plain = Event(
            agreement: Fixture.id("A-1"), type: .breathingSpace, at: Fixture.instant("2026-12-08T14:00:00Z"),
            until: Fixture.date("2027-01-10"))
        let sooner = try #require(
            Fixture.run([missed], events: [plain], from: now, until: "2027-02-20T00:00:00Z").first {
                $0.kind != .pauseAck
            })
        #expect(chicago.localDate(of: sooner.notBefore) >= Fixture.date("2027-01-11"))
        #expect(chicago.localDate(of: sooner.notBefore) < Fixture.date("2027-01-20"))
    }
}
