import Foundation
import RapportCore
import RapportStorage
import RapportTestSupport
import Testing

/// The job row as the truth on PostgreSQL (issue 26): every move is conditional, and what
/// committed first wins.
extension StoreContractTests {
    @Test("A claim beats a later withdrawal: the tick's commit records it too late and plans the debtor again")
    func claimBeatsWithdrawal() async throws {
        let subject = try await StoreUnderTest(.postgres)
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        let claims = try #require(store as? any JobClaims)
        _ = try await store.upsert([agreement("A-1")], at: now)
        // Due half an hour ago by the database's clock, open for half an hour more.
        let job = try await commitJob("A-1", at: Date().addingTimeInterval(-5400), store)
        try await store.setState(.spooled, of: [job.id], at: Date())
        let revision = try await store.portfolio(of: Identifier("D-1")!).revision
        #expect(try await claims.claim(job.id, by: "host a") != nil, "the first claim wins")
        #expect(try await claims.claim(job.id, by: "host b") == nil, "a second claim, from any host, loses")
        // A tick that read the job as waiting withdraws it and plans its replacement.
        let contact = PlannedContact(
            jobID: JobID("j-" + StableHash.hex("successor"))!,
            touchpoint: .reminder(.dueToday, Identifier("A-1")!, Identifier("1")!),
            kind: .dueToday, channel: .sms, to: "+12145550100", agreement: Identifier("A-1")!,
            agreements: [Identifier("A-1")!], debtor: Debtor(id: Identifier("D-1")!, name: "Sam"),
            timezone: "America/Chicago", notBefore: Date(), notAfter: Date().addingTimeInterval(3600),
            localTime: "x", reason: "due_today", installment: nil, statement: nil, paymentAmount: nil,
            currency: "USD")
        let successor = Job(contact: contact, locale: "en", subject: nil, body: "Body", createdAt: Date())
        let withdrawal = Withdrawal(jobID: job.id, rule: .withdrawal, reason: "R18: a payment arrived")
        let result = try await store.commit(
            [
                PlanRecord(
                    agreement: Identifier("A-1")!,
                    decision: Decision(outcome: .send(contact), nextReview: nil),
                    job: (successor, try successor.encoded()), withdrawn: [(withdrawal, .withdrawn)],
                    debtor: Identifier("D-1")!, revision: revision)
            ], at: Date())
        #expect(result.changedMeanwhile == [Identifier("D-1")!], "the debtor is planned again, on the claim")
        #expect(try await store.job(job.id)?.state == .claimed, "the claim stands")
        #expect(try await store.job(successor.id) == nil, "nothing goes beside the claimed job")
        let outcomes = try await store.decisions(of: Identifier("A-1")!).map(\.outcome)
        #expect(outcomes.contains(.withdrawTooLate) && !outcomes.contains(.withdrawn), "\(outcomes)")
        let after = try await claims.move(
            job.id, to: .withdrawn, from: JobState.waiting, detail: "too late", replan: false, at: Date())
        #expect(after == .claimed, "an operator's withdrawal loses to the claim too")
        #expect(try await claims.acknowledge(job.id, delivered: true, detail: "sent"), "the claimant acknowledges")
        #expect(try await !claims.acknowledge(job.id, delivered: false, detail: "again"), "only once")
        #expect(try await store.job(job.id)?.state == .delivered)
    }
}
