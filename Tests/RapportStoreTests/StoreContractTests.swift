import Foundation
import RapportCore
import RapportStorage
import RapportTestSupport
import Testing

/// What every store promises its callers (`StoreRoles`), checked on each store: the same
/// tests, run once on an embedded SQLite file and once on a real PostgreSQL server.
@Suite("Store contract")
struct StoreContractTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)

    func agreement(_ id: String, debtor: String = "D-1", amount: String = "50.00") -> Agreement {
        Agreement(
            id: Identifier(id)!, debtor: Debtor(id: Identifier(debtor)!, name: "Sam"), timezone: "America/Chicago",
            contacts: [.email: "sam@example.org"],
            installments: [Installment(id: Identifier("1")!, due: LocalDate("2026-12-10")!, amount: Money(amount)!)])
    }

    @Test(
        "Re-importing an id updates it, keeps the version it replaced once, and duplicates nothing",
        arguments: StoreKind.allCases)
    func upsert(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        let first = try await store.upsert([agreement("A-1"), agreement("A-2")], at: now)
        #expect(first.imported == 2 && first.updated == 0)
        let second = try await store.upsert([agreement("A-1", amount: "60.00"), agreement("A-2")], at: now)
        #expect(second.updated == 1 && second.unchanged == 1 && second.imported == 0)
        let stored = try #require(try await store.agreement(Identifier("A-1")!))
        #expect(stored.version == 2)
        #expect(stored.agreement.installments[0].amount == Money("60.00"))
        #expect(try await store.status().agreements == 2)
        let versions = try subject.column(
            "SELECT agreement_id || ':' || CAST(version AS TEXT) || ':' || data FROM agreement_version")
        #expect(versions == ["A-1:1:\(agreement("A-1").canonicalJSON)"])
    }

    @Test(
        "An identical re-import is unchanged in any process: the stored JSON is canonical",
        arguments: StoreKind.allCases)
    func canonicalJSON(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        var agreement = agreement("A-1")
        agreement.contacts = [
            .sms: "+12145550100", .email: "sam@example.org", .voice: "+12145550100", .letter: "1 Main St",
        ]
        _ = try await subject.store.upsert([agreement], at: now)
        for _ in 0..<20 {
            // A fresh dictionary each time: its iteration order must not leak into storage.
            var copy = agreement
            copy.contacts = Dictionary(uniqueKeysWithValues: agreement.contacts.shuffled())
            #expect(try await subject.store.upsert([copy], at: now).unchanged == 1)
        }
        let stored = try subject.column("SELECT data FROM agreement").first ?? ""
        #expect(
            stored.contains(
                #""contacts":{"email":"sam@example.org","letter":"1 Main St","sms":"+12145550100","#
                    + #""voice":"+12145550100"}"#
            ))
    }

    @Test("Any change to an agreement's inputs makes it due for planning at once", arguments: StoreKind.allCases)
    func changesMakeDue(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        _ = try await store.upsert([agreement("A-1")], at: now)
        #expect(try await store.dueAgreements(at: now, limit: 10).map(\.agreement.rawValue) == ["A-1"])
        let decision = Decision(
            outcome: .wait(until: now.addingTimeInterval(86_400)), nextReview: now.addingTimeInterval(86_400))
        try await store.commit(
            [PlanRecord(agreement: Identifier("A-1")!, decision: decision, job: nil, withdrawn: [])], at: now)
        #expect(try await store.dueAgreements(at: now, limit: 10).isEmpty)
        #expect(try await store.nextActionAt() == now.addingTimeInterval(86_400))
        let payment = Event(agreement: Identifier("A-1")!, type: .payment, at: now, amount: Money("5.00"))
        #expect(try await store.append([payment], at: now) == 1)
        #expect(try await store.dueAgreements(at: now, limit: 10).count == 1)
    }

    @Test(
        "The same event imported twice is stored once; events for unknown agreements are refused",
        arguments: StoreKind.allCases)
    func eventDeduplication(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        _ = try await store.upsert([agreement("A-1")], at: now)
        let payment = Event(agreement: Identifier("A-1")!, type: .payment, at: now, amount: Money("5.00"))
        #expect(try await store.append([payment, payment], at: now) == 1)
        #expect(try await store.append([payment], at: now) == 0)
        #expect(try await store.portfolio(of: Identifier("D-1")!).events.count == 1)
        await #expect(throws: StoreError.self) {
            try await store.append([Event(agreement: Identifier("A-9")!, type: .cease, at: now)], at: now)
        }
    }

    @Test(
        "Batches continue after the last agreement of the previous one, each due agreement once",
        arguments: StoreKind.allCases)
    func duePagination(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        // Ids whose byte order differs from a locale's ("a-10" < "A-2" < "b-1" in many), and two
        // next actions a fraction of a second apart: the cursor must survive both.
        _ = try await store.upsert(
            ["A-1", "A-2", "a-10", "B-1", "b-1", "Z-1", "_-1"].map { agreement($0, debtor: "D-\($0)") }, at: now)
        var seen: [String] = []
        var cursor: DueAgreement?
        while true {
            let batch = try await store.dueAgreements(at: now, after: cursor, limit: 3)
            guard let last = batch.last else { break }
            seen += batch.map(\.agreement.rawValue)
            cursor = last
        }
        #expect(seen == ["A-1", "A-2", "B-1", "Z-1", "_-1", "a-10", "b-1"])
    }

    @Test(
        "Planned jobs are recorded with their exact bytes and change state by id (R30 records each step)",
        arguments: StoreKind.allCases)
    func jobLifecycle(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        _ = try await store.upsert([agreement("A-1")], at: now)
        let job = try await commitJob("A-1", at: now, store)
        let planned = try await store.jobs(in: .planned)
        #expect(planned.map(\.id) == [job.id])
        #expect(planned.first?.data == (try job.encoded()))
        #expect(planned.first?.notBefore == job.notBefore)
        try await store.setState(.spooled, of: [job.id], detail: "written", at: now)
        #expect(try await store.jobs(in: .planned).isEmpty)
        #expect(try await store.portfolio(of: Identifier("D-1")!).history.first?.state == .spooled)
        #expect(try await store.nextWaitingJob() == job.notBefore)
        #expect(try await store.jobsInFlight(at: job.notBefore).map(\.id) == [job.id])
        #expect(try await store.overdueJobs(at: job.notAfter.addingTimeInterval(1)).map(\.id) == [job.id])
        let outcomes = try await store.decisions(of: Identifier("A-1")!).map(\.outcome)
        #expect(outcomes == [.planned, .spooled])
    }

    @Test(
        "A plan made before new input arrived is not committed: the debtor stays due, nothing is written",
        arguments: StoreKind.allCases)
    func commitAfterNewInput(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        _ = try await store.upsert([agreement("A-1")], at: now)
        let read = try await store.portfolio(of: Identifier("D-1")!)
        _ = try await store.append(
            [Event(agreement: Identifier("A-1")!, type: .cease, at: now, amount: nil)], at: now)
        let stale = try await commitResult("A-1", at: now, revision: read.revision, store)
        #expect(stale.changedMeanwhile == [Identifier("D-1")!])
        #expect(try await store.jobs(of: Identifier("A-1")!).isEmpty, "no job planned on the old history")
        #expect(try await store.dueCount(at: now) == 1, "the debtor is planned again on what is true now")

        let fresh = try await store.portfolio(of: Identifier("D-1")!)
        #expect(fresh.revision != read.revision)
        let committed = try await commitResult("A-1", at: now, revision: fresh.revision, store)
        #expect(committed.changedMeanwhile.isEmpty)
        #expect(try await store.jobs(of: Identifier("A-1")!).count == 1)
        #expect(try await store.dueCount(at: now) == 0)
    }

    @Test(
        "R30: records go only when every part of an agreement has been inactive past the cutoff",
        arguments: StoreKind.allCases)
    func retention(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        let old = Date(timeIntervalSince1970: 1_600_000_000)  // 2020
        _ = try await store.upsert([agreement("A-old"), agreement("A-busy", debtor: "D-2")], at: old)
        _ = try await store.append(
            [Event(agreement: Identifier("A-busy")!, type: .payment, at: now, amount: Money("1.00"))], at: now)
        let cutoff = now.addingTimeInterval(-3 * 365 * 86_400)
        _ = try await store.append(
            [Event(agreement: Identifier("A-old")!, type: .payment, at: old, amount: Money("1.00"))], at: old)
        _ = try await store.upsert([agreement("A-old", amount: "70.00")], at: old)
        try await store.adjust(Identifier("A-old")!, Adjustment(cadence: "gentle"), reason: "asked", at: old)
        try await receive("busy", concerning: ["A-busy"], at: old, store)
        #expect(try await store.deleteRecords(inactiveSince: cutoff) == 1)
        #expect(try await store.agreement(Identifier("A-old")!) == nil)
        #expect(try await store.agreement(Identifier("A-busy")!) != nil)
        #expect(try await store.deleteRecords(inactiveSince: cutoff) == 0)
        #expect(try await store.inbox().count == 1, "a message about an agreement still kept stays, however old")
    }

    @Test(
        "R30: every table of the schema is emptied of records older than the retention, none forgotten",
        arguments: StoreKind.allCases)
    func retentionReachesEveryTable(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        let old = Date(timeIntervalSince1970: 1_600_000_000)  // 2020
        _ = try await store.upsert([agreement("A-old")], at: old)
        _ = try await store.upsert([agreement("A-old", amount: "70.00")], at: old)
        _ = try await store.append(
            [Event(agreement: Identifier("A-old")!, type: .payment, at: old, amount: Money("1.00"))], at: old)
        try await store.adjust(Identifier("A-old")!, Adjustment(cadence: "gentle"), reason: "asked", at: old)
        try await commitJob("A-old", at: old, store)
        try await receive("about A-old", concerning: ["A-old"], at: old, store)
        try await receive("matched to nobody", concerning: [], at: old, store)
        try await store.record(
            TickRecord(
                startedAt: old, finishedAt: old, due: 1, spooled: 1, withdrawn: 0, dropped: 0, expired: 0,
                nextActionAt: nil))
        let records = try subject.rowCounts().filter { !subject.bookkeeping.contains($0.key) }
        // A table this test does not fill would pass below for nothing: fill it above.
        #expect(records.filter { $0.value == 0 }.isEmpty, "tables the test does not fill: \(records)")
        #expect(try await store.deleteRecords(inactiveSince: now.addingTimeInterval(-3 * 365 * 86_400)) == 1)
        let left = try subject.rowCounts().filter { !subject.bookkeeping.contains($0.key) && $0.value > 0 }
        #expect(left.isEmpty, "rows left after retention: \(left)")
    }

    @Test("Replies find their agreements by address, once each; the inbox closes once", arguments: StoreKind.allCases)
    func inbound(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        _ = try await store.upsert([agreement("A-1"), agreement("A-2")], at: now)
        #expect(try await store.agreements(using: "sam@example.org", on: .email).map(\.rawValue) == ["A-1", "A-2"])
        try await receive("m-1", concerning: ["A-1"], at: now, store)
        try await receive("m-1", concerning: ["A-1"], at: now, store)
        #expect(try await store.received("m-1"))
        let items = try await store.inbox()
        #expect(items.count == 1 && items.first?.agreements == [Identifier("A-1")!])
        try await receive("m-2", concerning: ["A-2"], at: now.addingTimeInterval(-3_600), store)
        try await receive("m-3", concerning: ["A-2"], at: now.addingTimeInterval(-60), store)
        let waiting = try await store.inboundCounts()
        #expect(waiting.inboxOpen == 3 && waiting.oldestOpen == now.addingTimeInterval(-3_600))
        for item in try await store.inbox() where item.agreements == [Identifier("A-2")!] {
            #expect(try await store.closeInbox(item.id, action: "done", reason: nil, events: [], at: now))
        }
        let id = try #require(try await store.inbox().first?.id)
        let stop = Event(agreement: Identifier("A-1")!, type: .cease, at: now)
        #expect(try await store.closeInbox(id, action: "cease", reason: "asked", events: [stop], at: now))
        #expect(try await !store.closeInbox(id, action: "cease", reason: "asked", events: [stop], at: now))
        #expect(try await store.inbox().isEmpty)
        #expect(try await store.inbox(openOnly: false).count == 3)
        #expect(try await store.portfolio(of: Identifier("D-1")!).events.map(\.type) == [.cease])
        #expect(try await store.inboundCounts() == InboundCounts(byOutcome: ["message/conversation": 3]))
    }

    @Test(
        "A snapshot is a private embedded copy: what is planned on it never reaches the store",
        arguments: StoreKind.allCases)
    func snapshot(kind: StoreKind) async throws {
        let subject = try await StoreUnderTest(kind)
        // The files and the database live as long as the subject: until the test ends.
        defer { withExtendedLifetime(subject) {} }
        let store = subject.store
        _ = try await store.upsert([agreement("A-1"), agreement("A-2", debtor: "D-2")], at: now)
        try await commitJob("A-1", at: now, store)
        let folder = try TemporaryFolder("snapshot")
        let copy = try await store.snapshot(into: folder.path)
        #expect(copy.location.hasSuffix("rapport.sqlite"))
        let original = try await store.jobs(of: Identifier("A-1")!).map(\.data)
        #expect(try await copy.jobs(of: Identifier("A-1")!).map(\.data) == original)
        #expect(try await copy.decisions(of: Identifier("A-1")!).count == 1)
        try await commitJob("A-2", at: now, copy)
        #expect(try await copy.jobs(of: Identifier("A-2")!).count == 1)
        #expect(try await store.jobs(of: Identifier("A-2")!).isEmpty)
    }
}

extension StoreContractTests {
    /// A planned job of `agreement` at `at`, committed with its decision.
    @discardableResult
    func commitJob(_ agreement: String, at instant: Date, _ store: any Store) async throws -> Job {
        try await plannedJob(agreement, at: instant, revision: nil, store).job
    }

    func commitResult(_ agreement: String, at instant: Date, revision: Int64?, _ store: any Store) async throws
        -> CommitResult
    {
        try await plannedJob(agreement, at: instant, revision: revision, store).result
    }

    private func plannedJob(_ agreement: String, at instant: Date, revision: Int64?, _ store: any Store) async throws
        -> (job: Job, result: CommitResult)
    {
        let id = Identifier(agreement)!
        let contact = PlannedContact(
            jobID: JobID("j-" + StableHash.hex(agreement))!, touchpoint: .reminder(.preDue, id, Identifier("1")!),
            kind: .preDue, channel: .email, to: "sam@example.org", agreement: id, agreements: [id],
            debtor: Debtor(id: Identifier("D-1")!, name: "Sam"), timezone: "America/Chicago",
            notBefore: instant.addingTimeInterval(3600), notAfter: instant.addingTimeInterval(7200), localTime: "x",
            reason: "pre_due because", installment: nil, statement: nil, paymentAmount: nil, currency: "USD")
        let job = Job(contact: contact, locale: "en", subject: "Hi", body: "Body", createdAt: instant)
        let result = try await store.commit(
            [
                PlanRecord(
                    agreement: id,
                    decision: Decision(outcome: .send(contact), nextReview: instant.addingTimeInterval(60)),
                    job: (job, try job.encoded()), withdrawn: [], debtor: revision == nil ? nil : Identifier("D-1")!,
                    revision: revision)
            ], at: instant)
        return (job, result)
    }

    /// An inbound message concerning `agreements` (none: matched to nobody), waiting in the inbox.
    func receive(_ identity: String, concerning agreements: [String], at instant: Date, _ store: any Store)
        async throws
    {
        let list = "[" + agreements.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        _ = try await store.receive(
            InboundRecord(
                identity: identity, channel: "sms", kind: "message", address: "+12145550100",
                receivedAt: instant.timeIntervalSince1970, text: "my words", inReplyTo: nil, providerId: nil,
                outcome: "conversation", agreements: list, recordedAt: instant.timeIntervalSince1970),
            events: [], inbox: "R34: a person reads it", failedJob: nil, at: instant)
    }
}
