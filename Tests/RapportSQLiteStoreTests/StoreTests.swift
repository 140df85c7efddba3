import Foundation
import GRDB
import RapportCore
import RapportTestSupport
import Testing
@testable import RapportSQLiteStore
import RapportStorage

/// The store on real SQLite files in a temporary folder.
@Suite("Store")
struct StoreTests {
    let folder: TemporaryFolder
    let store: SQLiteStore
    let now = Date(timeIntervalSince1970: 1_796_000_000)

    init() throws {
        folder = try TemporaryFolder("store")
        store = try SQLiteStore(path: folder.appending("rapport.sqlite").path)
    }

    func agreement(_ id: String, debtor: String = "D-1", amount: String = "50.00") -> Agreement {
        Agreement(
            id: Identifier(id)!, debtor: Debtor(id: Identifier(debtor)!, name: "Sam"), timezone: "America/Chicago",
            contacts: [.email: "sam@example.org"],
            installments: [Installment(id: Identifier("1")!, due: LocalDate("2026-12-10")!, amount: Money(amount)!)])
    }

    @Test("Re-importing an id updates it, keeps every version and duplicates nothing")
    func upsert() async throws {
        let first = try await store.upsert([agreement("A-1"), agreement("A-2")], at: now)
        #expect(
            first
                == {
                    var s = ImportSummary(); s.imported = 2; return s
                }())
        let second = try await store.upsert([agreement("A-1", amount: "60.00"), agreement("A-2")], at: now)
        #expect(second.updated == 1 && second.unchanged == 1 && second.imported == 0)
        let stored = try #require(try await store.agreement(Identifier("A-1")!))
        #expect(stored.version == 2)
        #expect(stored.agreement.installments[0].amount == Money("60.00"))
        #expect(try await store.status().agreements == 2)
        // The version a re-import replaced is kept as it was, once; the current one only in `agreement`.
        let versions = try DatabaseQueue(path: store.path).read { db in
            try Row.fetchAll(db, sql: "SELECT agreement_id, version, data, imported_at FROM agreement_version")
        }
        #expect(versions.count == 1)
        #expect(versions.first?["agreement_id"] == "A-1" && versions.first?["version"] == 1)
        #expect((versions.first?["data"] as String?) == agreement("A-1").canonicalJSON)
        #expect(versions.first?["imported_at"] == now.timeIntervalSince1970)
    }

    @Test("Migration v6 drops the copy of each current version that earlier imports wrote")
    func versionsMigration() async throws {
        let path = folder.appending("v5.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v5")
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO agreement (id, debtor_id, data, version, next_action_at, created_at, updated_at)
                    VALUES ('A-1', 'D-1', ?, 2, 0, 0, 0)
                    """, arguments: [agreement("A-1", amount: "60.00").canonicalJSON])
            for version in [1, 2] {
                try db.execute(
                    sql:
                        """
                        INSERT INTO agreement_version (agreement_id, version, data, imported_at) VALUES ('A-1', ?, ?, 0)
                        """,
                    arguments: [version, agreement("A-1", amount: version == 1 ? "50.00" : "60.00").canonicalJSON])
            }
        }
        try Schema.migrator.migrate(queue)
        let kept = try await queue.read { try Int.fetchAll($0, sql: "SELECT version FROM agreement_version") }
        #expect(kept == [1])
    }

    @Test("An identical re-import is unchanged in any process: the stored JSON is canonical")
    func canonicalJSON() async throws {
        var agreement = agreement("A-1")
        agreement.contacts = [
            .sms: "+12145550100", .email: "sam@example.org", .voice: "+12145550100", .letter: "1 Main St",
        ]
        _ = try await store.upsert([agreement], at: now)
        for _ in 0..<20 {
            // A fresh dictionary each time: its iteration order must not leak into storage.
            var copy = agreement
            copy.contacts = Dictionary(uniqueKeysWithValues: agreement.contacts.shuffled())
            #expect(try await store.upsert([copy], at: now).unchanged == 1)
        }
        let stored =
            try await DatabaseQueue(path: store.path).read {
                try String.fetchOne($0, sql: "SELECT data FROM agreement")
            }
            ?? ""
        #expect(
            stored.contains(
                #""contacts":{"email":"sam@example.org","letter":"1 Main St","sms":"+12145550100","#
                    + #""voice":"+12145550100"}"#
            ))
    }

    @Test("Any change to an agreement's inputs makes it due for planning at once")
    func changesMakeDue() async throws {
        _ = try await store.upsert([agreement("A-1")], at: now)
        #expect(try await store.dueAgreements(at: now, limit: 10).map(\.agreement.rawValue) == ["A-1"])
        let decision = Decision(
            outcome: .wait(until: now.addingTimeInterval(86_400)), nextReview: now.addingTimeInterval(86_400))
        try await store.commit(
            [PlanRecord(agreement: Identifier("A-1")!, decision: decision, job: nil, withdrawn: [])], at: now)
        #expect(try await store.dueAgreements(at: now, limit: 10).isEmpty)
        let payment = Event(agreement: Identifier("A-1")!, type: .payment, at: now, amount: Money("5.00"))
        #expect(try await store.append([payment], at: now) == 1)
        #expect(try await store.dueAgreements(at: now, limit: 10).count == 1)
    }

    @Test("The same event imported twice is stored once; events for unknown agreements are refused")
    func eventDeduplication() async throws {
        _ = try await store.upsert([agreement("A-1")], at: now)
        let payment = Event(agreement: Identifier("A-1")!, type: .payment, at: now, amount: Money("5.00"))
        #expect(try await store.append([payment, payment], at: now) == 1)
        #expect(try await store.append([payment], at: now) == 0)
        #expect(try await store.portfolio(of: Identifier("D-1")!).events.count == 1)
        await #expect(throws: StoreError.self) {
            try await store.append([Event(agreement: Identifier("A-9")!, type: .cease, at: now)], at: now)
        }
    }

    @Test("Due agreements are read a batch at a time along the (next_action_at, id) index: no scan, no sort")
    func indexedQuery() async throws {
        // The store's own SQL, not a copy of it.
        let queries = [
            (DueQuery.first, [0, 10] as StatementArguments),
            (DueQuery.after, [0, 0, "A-1", 10] as StatementArguments),
        ]
        for (sql, arguments) in queries {
            let plan = try await DatabaseQueue(path: store.path).read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map {
                    $0["detail"] as String
                }.joined(separator: "; ")
            }
            #expect(plan.contains("agreement_due"), "query plan: \(plan)")
            #expect(!plan.contains("SCAN agreement"), "query plan: \(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "query plan: \(plan)")
        }
    }

    @Test("Batches continue after the last agreement of the previous one, each due agreement once")
    func duePagination() async throws {
        _ = try await store.upsert((1...7).map { agreement("A-\($0)", debtor: "D-\($0)") }, at: now)
        var seen: [String] = []
        var cursor: DueAgreement?
        while true {
            let batch = try await store.dueAgreements(at: now, after: cursor, limit: 3)
            guard let last = batch.last else { break }
            seen += batch.map(\.agreement.rawValue)
            cursor = last
        }
        #expect(seen == (1...7).map { "A-\($0)" })
    }

    @Test("A missing database folder is one clear error, not a crash")
    func missingFolder() {
        #expect {
            _ = try SQLiteStore(path: "/nonexistent-\(UUID().uuidString)/rapport.sqlite")
        } throws: { error in
            (error as? StoreError)?.kind == .missingFolder && "\(error)".contains("does not exist")
        }
    }

    @Test("A file that is not a database is refused with a clear message")
    func notADatabase() async throws {
        let path = folder.appending("junk.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            (error as? StoreError)?.kind == .unusable
        }
    }

    @Test("Planned jobs are recorded with their exact bytes and change state by id (R30 records each step)")
    func jobLifecycle() async throws {
        _ = try await store.upsert([agreement("A-1")], at: now)
        let contact = PlannedContact(
            jobID: JobID("j-" + StableHash.hex("k"))!,
            touchpoint: .reminder(.preDue, Identifier("A-1")!, Identifier("1")!),
            kind: .preDue, channel: .email,
            to: "sam@example.org",
            agreement: Identifier("A-1")!, agreements: [Identifier("A-1")!],
            debtor: Debtor(id: Identifier("D-1")!, name: "Sam"),
            timezone: "America/Chicago", notBefore: now.addingTimeInterval(3600),
            notAfter: now.addingTimeInterval(7200), localTime: "x",
            reason: "pre_due because", installment: nil, statement: nil, paymentAmount: nil, currency: "USD")
        let job = Job(contact: contact, locale: "en", subject: "Hi", body: "Body", createdAt: now)
        let decision = Decision(outcome: .send(contact), nextReview: now)
        try await store.commit(
            [
                PlanRecord(
                    agreement: contact.agreement, decision: decision, job: (job, try job.encoded()), withdrawn: [])
            ], at: now)
        let planned = try await store.jobs(in: .planned)
        #expect(planned.map(\.id) == [job.id])
        #expect(planned.first?.data == (try job.encoded()))
        try await store.setState(.spooled, of: [job.id], detail: "written", at: now)
        #expect(try await store.jobs(in: .planned).isEmpty)
        #expect(try await store.portfolio(of: Identifier("D-1")!).history.first?.state == .spooled)
        let outcomes = try await store.decisions(of: Identifier("A-1")!).map(\.outcome)
        #expect(outcomes == [.planned, .spooled])
    }
}

extension StoreTests {
    /// A planned job of `agreement` at `at`, committed with its decision.
    @discardableResult
    func commitJob(_ agreement: String, at instant: Date, revision: Int64? = nil) async throws -> CommitResult {
        let id = Identifier(agreement)!
        let contact = PlannedContact(
            jobID: JobID("j-" + StableHash.hex(agreement))!, touchpoint: .reminder(.preDue, id, Identifier("1")!),
            kind: .preDue, channel: .email, to: "sam@example.org", agreement: id, agreements: [id],
            debtor: Debtor(id: Identifier("D-1")!, name: "Sam"), timezone: "America/Chicago",
            notBefore: instant.addingTimeInterval(3600), notAfter: instant.addingTimeInterval(7200), localTime: "x",
            reason: "pre_due because", installment: nil, statement: nil, paymentAmount: nil, currency: "USD")
        let job = Job(contact: contact, locale: "en", subject: "Hi", body: "Body", createdAt: instant)
        return try await store.commit(
            [
                PlanRecord(
                    agreement: id,
                    decision: Decision(outcome: .send(contact), nextReview: instant.addingTimeInterval(60)),
                    job: (job, try job.encoded()), withdrawn: [], debtor: Identifier("D-1")!, revision: revision)
            ], at: instant)
    }

    @Test("A plan made before new input arrived is not committed: the debtor stays due, nothing is written")
    func commitAfterNewInput() async throws {
        _ = try await store.upsert([agreement("A-1")], at: now)
        let read = try await store.portfolio(of: Identifier("D-1")!)
        _ = try await store.append(
            [Event(agreement: Identifier("A-1")!, type: .cease, at: now, amount: nil)], at: now)
        let stale = try await commitJob("A-1", at: now, revision: read.revision)
        #expect(stale.changedMeanwhile == [Identifier("D-1")!])
        #expect(try await store.jobs(of: Identifier("A-1")!).isEmpty, "no job planned on the old history")
        #expect(try await store.dueCount(at: now) == 1, "the debtor is planned again on what is true now")

        let fresh = try await store.portfolio(of: Identifier("D-1")!)
        #expect(fresh.revision != read.revision)
        let committed = try await commitJob("A-1", at: now, revision: fresh.revision)
        #expect(committed.changedMeanwhile.isEmpty)
        #expect(try await store.jobs(of: Identifier("A-1")!).count == 1)
        #expect(try await store.dueCount(at: now) == 0)
    }

    /// An inbound message concerning `agreements` (none: matched to nobody), waiting in the inbox.
    func receive(_ identity: String, concerning agreements: [String], at instant: Date) async throws {
        let list = "[" + agreements.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        _ = try await store.receive(
            InboundRecord(
                identity: identity, channel: "sms", kind: "message", address: "+12145550100",
                receivedAt: instant.timeIntervalSince1970, text: "my words", inReplyTo: nil, providerId: nil,
                outcome: "conversation", agreements: list, recordedAt: instant.timeIntervalSince1970),
            events: [], inbox: "R34: a person reads it", failedJob: nil, at: instant)
    }

    /// Every table of the schema with its row count.
    func rowCounts() throws -> [String: Int] {
        try DatabaseQueue(path: store.path).read { db in
            var counts: [String: Int] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")
            }
            return counts
        }
    }

    @Test("R30: records go only when every part of an agreement has been inactive past the cutoff")
    func retention() async throws {
        let old = Date(timeIntervalSince1970: 1_600_000_000)  // 2020
        _ = try await store.upsert([agreement("A-old"), agreement("A-busy", debtor: "D-2")], at: old)
        _ = try await store.append(
            [Event(agreement: Identifier("A-busy")!, type: .payment, at: now, amount: Money("1.00"))], at: now)
        let cutoff = now.addingTimeInterval(-3 * 365 * 86_400)
        _ = try await store.append(
            [Event(agreement: Identifier("A-old")!, type: .payment, at: old, amount: Money("1.00"))], at: old)
        _ = try await store.upsert([agreement("A-old", amount: "70.00")], at: old)
        try await store.adjust(Identifier("A-old")!, Adjustment(cadence: "gentle"), reason: "asked", at: old)
        try await receive("busy", concerning: ["A-busy"], at: old)
        #expect(try await store.deleteRecords(inactiveSince: cutoff) == 1)
        #expect(try await store.agreement(Identifier("A-old")!) == nil)
        #expect(try await store.agreement(Identifier("A-busy")!) != nil)
        #expect(try await store.deleteRecords(inactiveSince: cutoff) == 0)
        #expect(try await store.inbox().count == 1, "a message about an agreement still kept stays, however old")
    }

    @Test("R30: every table of the schema is emptied of records older than the retention, none forgotten")
    func retentionReachesEveryTable() async throws {
        let old = Date(timeIntervalSince1970: 1_600_000_000)  // 2020
        _ = try await store.upsert([agreement("A-old")], at: old)
        _ = try await store.upsert([agreement("A-old", amount: "70.00")], at: old)
        _ = try await store.append(
            [Event(agreement: Identifier("A-old")!, type: .payment, at: old, amount: Money("1.00"))], at: old)
        try await store.adjust(Identifier("A-old")!, Adjustment(cadence: "gentle"), reason: "asked", at: old)
        try await commitJob("A-old", at: old)
        try await receive("about A-old", concerning: ["A-old"], at: old)
        try await receive("matched to nobody", concerning: [], at: old)
        try await store.record(
            TickRecord(
                startedAt: old, finishedAt: old, due: 1, spooled: 1, withdrawn: 0, dropped: 0, expired: 0,
                nextActionAt: nil))
        let records = try rowCounts().filter { !Retention.bookkeeping.contains($0.key) }
        // A table this test does not fill would pass below for nothing: fill it above.
        #expect(records.filter { $0.value == 0 }.isEmpty, "tables the test does not fill: \(records)")
        #expect(try await store.deleteRecords(inactiveSince: now.addingTimeInterval(-3 * 365 * 86_400)) == 1)
        let left = try rowCounts().filter { !Retention.bookkeeping.contains($0.key) && $0.value > 0 }
        #expect(left.isEmpty, "rows left after retention: \(left)")
    }

    @Test("R30: every table is retired by a rule: with its agreement, with its parent, or by age")
    func everyTableHasARetentionRule() async throws {
        try await DatabaseQueue(path: store.path).read { db in
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                let keys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(\(table))")
                func cascades(from parent: String) -> Bool {
                    keys.contains { $0["table"] == parent && $0["on_delete"] == "CASCADE" }
                }
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
                if Retention.withAgreement.contains(table) {
                    #expect(cascades(from: "agreement"), "\(table)")
                } else if let parent = Retention.withParent[table] {
                    #expect(cascades(from: parent), "\(table)")
                } else if let column = Retention.byAge[table] {
                    #expect(columns.contains(column), "\(table).\(column)")
                } else {
                    #expect(
                        table == "agreement" || Retention.bookkeeping.contains(table),
                        "\(table) has no retention rule (R30): add it to Retention")
                }
            }
        }
    }
}
