import Foundation
import RapportCore
import RapportStorage
import RapportTestSupport
import Testing

/// The job row as the truth on PostgreSQL (issue 26): every move is conditional, and what
/// committed first wins.
extension StoreContractTests {
    @Test(
        "R18 R30: a claim beats a later withdrawal: the tick's commit records it too late and plans the debtor again")
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
        let contact = Self.dueContact("successor")
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

    @Test("R15: a job approved in review is ready on a cluster: mirrored, and claimable from any host")
    func approvedReviewIsClaimable() async throws {
        let subject = try await StoreUnderTest(.postgres)
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        let claims = try #require(store as? any JobClaims)
        _ = try await store.upsert([agreement("A-1")], at: now)
        var contact = Self.dueContact("vulnerable")
        contact.needsReview = true
        let job = Job(contact: contact, locale: "en", subject: nil, body: "Body", createdAt: Date())
        try await store.commit(
            [
                PlanRecord(
                    agreement: Identifier("A-1")!, decision: Decision(outcome: .send(contact), nextReview: nil),
                    job: (job, try job.encoded()), withdrawn: [])
            ], at: Date())
        try await store.setState(.review, of: [job.id], at: Date())
        let horizons: [Channel: Date] = [.sms: Date().addingTimeInterval(900)]
        #expect(try await claims.claim(job.id, by: "host a") == nil, "waiting for a person: not claimable")
        #expect(try await claims.readyJobs(before: horizons, at: Date()).isEmpty, "nor mirrored")
        let approved = try await claims.move(
            job.id, to: .spooled, from: [.review], detail: "approved in review by operator", replan: false, at: Date())
        #expect(approved == .spooled)
        #expect(
            try await claims.readyJobs(before: horizons, at: Date()).map(\.id) == [job.id], "mirrored once approved")
        #expect(try await claims.claim(job.id, by: "host a") != nil, "and claimed")
    }

    /// An SMS contact of A-1 due a minute ago and open for an hour, by the database's clock.
    static func dueContact(_ name: String) -> PlannedContact {
        PlannedContact(
            jobID: JobID("j-" + StableHash.hex(name))!,
            touchpoint: .reminder(.dueToday, Identifier("A-1")!, Identifier("1")!),
            kind: .dueToday, channel: .sms, to: "+12145550100", agreement: Identifier("A-1")!,
            agreements: [Identifier("A-1")!], debtor: Debtor(id: Identifier("D-1")!, name: "Sam"),
            timezone: "America/Chicago", notBefore: Date().addingTimeInterval(-60),
            notAfter: Date().addingTimeInterval(3600), localTime: "x", reason: "due_today", installment: nil,
            statement: nil, paymentAmount: nil, currency: "USD")
    }
}
