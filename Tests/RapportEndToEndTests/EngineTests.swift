import Foundation
import GRDB
import Logging
import RapportConfig
import RapportCore
import RapportEngine
import RapportSpool
import RapportStorage
import Testing

/// The engine in-process on a real database and spool, with the clock in the test's hands.
@Suite("Engine")
struct EngineTests {
    let sandbox: Sandbox
    let engine: Engine

    init() async throws {
        sandbox = try Sandbox()
        engine = try await sandbox.openEngine()
    }

    /// Imports agreements due in two days in a few zones, as of `now`.
    func seed(count: Int = 4) async throws {
        let lines = (0..<count).map {
            Sandbox.agreementLine(
                "A-\($0)", zone: ["Asia/Tokyo", "Europe/Paris", "America/Chicago", "Australia/Sydney"][$0 % 4],
                dueInDays: 2)
        }
        let report = try await Importer(store: engine.store).importAgreements(
            Data(lines.joined(separator: "\n").utf8), strict: true, at: Date())
        try #require(report.rejected.isEmpty)
    }

    func sql(_ statement: String) throws {
        try DatabaseQueue(path: sandbox.database).write { try $0.execute(sql: statement) }
    }

    @Test(
        """
        A job recorded as planned whose file never made it is written on the next tick, under the same name, with the \
        same bytes
        """
    )
    func finishesInterruptedWrites() async throws {
        try await seed()
        let now = Date()
        let first = try await engine.tick(at: now)
        let name = try #require(first.spooled.first?.fileName)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(sandbox.spool)/new/\(name)"))
        // The crash: the row says planned, the file is gone.
        try FileManager.default.removeItem(atPath: "\(sandbox.spool)/new/\(name)")
        try sql("UPDATE job SET state = 'planned'")
        let second = try await engine.tick(at: now.addingTimeInterval(60))
        #expect(second.recovered == first.spooled.count)
        #expect(second.spooled.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(sandbox.spool)/new/\(name)")) == bytes)
        #expect(try sandbox.jobs().count == first.spooled.count)
        #expect(try await engine.store.jobs(in: .planned).isEmpty)
    }

    @Test("A planned job whose file is already durable is only marked: never a second file")
    func neverTwice() async throws {
        try await seed()
        let now = Date()
        let first = try await engine.tick(at: now)
        try sql("UPDATE job SET state = 'planned'")
        for minute in 1...3 { _ = try await engine.tick(at: now.addingTimeInterval(Double(minute * 60))) }
        #expect(try sandbox.jobs().count == first.spooled.count)
        #expect(try await engine.store.status().jobsByState["spooled"] == first.spooled.count)
    }

    @Test("A job row of an unknown kind is an error naming it: its debtor is not planned, the others are")
    func unreadableHistoryStopsThatDebtor() async throws {
        try await seed(count: 2)
        let now = Date()
        _ = try await engine.tick(at: now)
        let job = try #require(try await engine.store.jobs(of: Identifier("A-0")!).first)
        try sql("UPDATE job SET kind = 'telegram' WHERE id = '\(job.id)'")
        try sql("UPDATE agreement SET next_action_at = 0")
        await #expect(throws: StoreError.self) { try await engine.store.portfolio(of: Identifier("D-A-0")!) }
        do {
            _ = try await engine.store.portfolio(of: Identifier("D-A-0")!)
        } catch {
            #expect(error.message.contains("job row \(job.id)") && error.message.contains("telegram"))
        }
        let report = try await engine.tick(at: now.addingTimeInterval(60))
        #expect(report.unreadable == 1)
        #expect(report.due == 1, "the other debtor is planned")
        #expect(
            try await engine.store.agreement(Identifier("A-0")!)?.nextActionAt.map { $0 <= now } == true, "still due")
    }

    @Test("A job never claimed before its not_after is moved to expired/ and its agreement planned again")
    func expiry() async throws {
        try await seed(count: 1)
        let now = Date()
        let first = try await engine.tick(at: now)
        let job = try #require(try await engine.store.jobs(in: .spooled).first)
        #expect(first.spooled.count == 1)
        let report = try await engine.tick(at: job.notAfter.addingTimeInterval(60))
        #expect(report.expired == 1)
        #expect(try sandbox.jobs(in: "expired") == [job.fileName])
        let explanation = try #require(
            try await engine.explain(job.agreement, at: job.notAfter.addingTimeInterval(120)))
        #expect(explanation.jobs.first?.state == .expired)
        #expect(explanation.decisions.contains { $0.outcome == .expired })
    }

    @Test("A claimed job is not withdrawn, and the records say it was too late")
    func claimedIsTooLate() async throws {
        try await seed(count: 1)
        let now = Date()
        _ = try await engine.tick(at: now)
        let job = try #require(try await engine.store.jobs(in: .spooled).first)
        try FileManager.default.moveItem(
            atPath: "\(sandbox.spool)/new/\(job.fileName)", toPath: "\(sandbox.spool)/cur/\(job.fileName)")
        _ = try await engine.store.append([Event(agreement: job.agreement, type: .cease, at: now)], at: now)
        #expect(try await engine.withdrawStale([job.agreement], at: now.addingTimeInterval(1)) == 0)
        #expect(try sandbox.jobs(in: "cur") == [job.fileName])
        #expect(try await engine.store.job(job.id)?.state == .claimed)
    }
}

/// The engine reading what delivery tools did.
@Suite("Engine and delivery outcomes")
struct EngineOutcomeTests {
    let sandbox: Sandbox
    let engine: Engine

    init() async throws {
        sandbox = try Sandbox(extraConfig: "[delivery]\nclaim_lease_minutes = 5\n")
        engine = try await sandbox.openEngine()
        let line = Sandbox.agreementLine("A-1", zone: "Asia/Tokyo", dueInDays: 2)
        _ = try await Importer(store: engine.store).importAgreements(Data(line.utf8), strict: true, at: Date())
    }

    /// Spools the first job and returns it with the instant it becomes claimable.
    func spoolFirst() async throws -> StoredJob {
        _ = try await engine.tick(at: Date())
        return try #require(try await engine.store.jobs(in: .spooled).first)
    }

    @Test("Outcomes written by a delivery tool are ingested on the next tick, with the tool's detail")
    func delivered() async throws {
        let job = try await spoolFirst()
        #expect(try engine.spool.claim(at: job.notBefore) != nil)
        try engine.spool.acknowledge(
            job.fileName,
            outcome: Outcome(delivered: true, at: job.notBefore, detail: "gateway accepted", providerID: "p-9"))
        let report = try await engine.tick(at: job.notBefore.addingTimeInterval(60))
        #expect(report.delivered == 1 && report.deliveredByChannel == [job.channel: 1])
        let stored = try #require(try await engine.store.job(job.id))
        #expect(stored.state == .delivered)
        #expect(stored.detail == "gateway accepted; provider id p-9")
        #expect(
            try await engine.store.decisions(of: job.agreement).contains {
                $0.outcome == .delivered && $0.jobID == job.id
            })
    }

    @Test("A failed SMS is planned again by e-mail after the retry delay")
    func failedFallsBackToEmail() async throws {
        let job = try await spoolFirst()
        #expect(job.channel == .sms)
        _ = try engine.spool.claim(at: job.notBefore)
        try engine.spool.acknowledge(
            job.fileName, outcome: Outcome(delivered: false, at: job.notBefore, detail: "carrier rejected"))
        let report = try await engine.tick(at: job.notBefore.addingTimeInterval(60))
        #expect(report.failed == 1)
        #expect(report.failedByChannel == [.sms: 1], "the metrics' failures by channel")
        let later = try await engine.tick(at: job.notBefore.addingTimeInterval(2 * 3600))
        let retry = try #require(later.spooled.first ?? report.spooled.first)
        #expect(retry.channel == .email)
        #expect(retry.kind == job.kind)
    }

    @Test("A claim held longer than the lease is reported once, and never re-offered")
    func staleClaim() async throws {
        let job = try await spoolFirst()
        _ = try engine.spool.claim(at: job.notBefore)
        let report = try await engine.tick(at: job.notBefore.addingTimeInterval(10 * 60))
        #expect(report.staleClaims == 1)
        #expect(try await engine.store.job(job.id)?.state == .staleClaim)
        #expect(try await engine.store.job(job.id)?.detail?.hasPrefix("stale claim") == true)
        let again = try await engine.tick(at: job.notBefore.addingTimeInterval(20 * 60))
        #expect(again.staleClaims == 1, "still counted while it stays in cur/")
        #expect(try await engine.store.decisions(of: job.agreement).filter { $0.outcome == .staleClaim }.count == 1)
        #expect(try sandbox.jobs(in: "cur").count == 1)
        #expect(try sandbox.jobs().isEmpty)
    }

    @Test("R18: a stop that arrives through the database withdraws waiting jobs on the next tick")
    func withdrawalThroughDatabase() async throws {
        let job = try await spoolFirst()
        _ = try await engine.store.append([Event(agreement: job.agreement, type: .dispute, at: Date())], at: Date())
        let report = try await engine.tick(at: Date().addingTimeInterval(1))
        #expect(report.withdrawn == 1)
        #expect(try sandbox.jobs(in: "withdrawn") == [job.fileName])
        #expect(try await engine.store.job(job.id)?.detail?.contains("R14") == true)
    }
}

/// R29: catching up after downtime.
@Suite("Catch-up after downtime")
struct CatchUpTests {
    @Test(
        """
        R29: after 10 days down, useful messages go at the next allowed time, stale ones are dropped and recorded, \
        and nobody gets a burst
        """
    )
    func catchUp() async throws {
        let sandbox = try Sandbox()
        let engine = try await sandbox.openEngine()
        let start = Timestamp.parse("2026-12-01T00:00:00Z")!
        let (agreements, _) = DemoPortfolio.make(count: 60, now: start, seed: 5)
        _ = try await engine.store.upsert(agreements, at: start)
        let first = try await engine.tick(at: start)
        #expect(!first.spooled.isEmpty)

        let back = start.addingTimeInterval(10 * 86_400)
        let report = try await engine.tick(at: back)
        #expect(report.expired > 0, "what nobody claimed while we were down expired")
        let spooled = try await engine.store.jobs(in: .spooled).filter { $0.createdAt == back }
        #expect(spooled.allSatisfy { $0.notBefore >= back }, "nothing is scheduled in the past")
        let perDebtor = Dictionary(grouping: report.spooled.sample) { job in
            agreements.first { $0.id == job.agreement }?.debtor.id.rawValue ?? ""
        }
        #expect(perDebtor.values.allSatisfy { $0.count == 1 }, "one message per debtor, not a burst of old ones")
        var dropped: [DecisionRecord] = []
        for agreement in agreements {
            dropped += try await engine.store.decisions(of: agreement.id).filter { $0.outcome == .dropped }
        }
        #expect(
            dropped.contains { $0.reason.contains("R29") && $0.touchpoint?.rawValue.hasPrefix("pre_due:") == true },
            "a reminder for a date already past is dropped and logged")
        #expect(!report.spooled.sample.contains { $0.kind == .preDue && $0.localTime < "2026-12-11" })
    }
}

/// R30 as the tick runs it: records kept whole years after the last activity, then deleted;
/// outcome files kept `outcome_retention_days`; both at most once an hour.
@Suite("Retention by the tick")
struct RetentionByTheTickTests {
    @Test("R30: the tick deletes records inactive for whole years and prunes old outcome files, once an hour")
    func retentionByTheTick() async throws {
        let sandbox = try Sandbox(extraConfig: "[records]\nretention_years = 3\n")
        let engine = try await sandbox.openEngine()
        let start = Date()
        // A virtual now eight to nine days ahead: outcome files written today are past the 7-day
        // `outcome_retention_days` set below (the config's default is 30). At noon where the
        // debtors live, so no job the first tick plans closes its window within the test's hour:
        // one expired then would be moved to expired/ and pruned too (seen in a Chicago evening).
        var chicago = Calendar(identifier: .gregorian)
        chicago.timeZone = try #require(TimeZone(identifier: "America/Chicago"))
        let now = try #require(
            chicago.nextDate(
                after: start.addingTimeInterval(8 * 86_400), matching: DateComponents(hour: 12, minute: 0),
                matchingPolicy: .nextTime))
        let calendar = Calendar(identifier: .gregorian)
        let threeYearsAgo = try #require(calendar.date(byAdding: .year, value: -3, to: now))
        for (id, at) in [("A-old", threeYearsAgo.addingTimeInterval(-86_400)), ("A-young", threeYearsAgo + 86_400)] {
            let line = Sandbox.agreementLine(id, zone: "America/Chicago", dueInDays: -1200)
            _ = try await Importer(store: engine.store).importAgreements(Data(line.utf8), strict: true, at: at)
        }
        var settings = engine.settings
        settings.delivery.outcomeRetentionDays = 7
        let ticking = try engine.reconfigured(settings)
        func outcome(_ n: Int) throws -> String {
            let id = JobID(touchpoint: TouchpointKey(rawValue: "outcome-\(n)"), attempt: 0)
            let name = Job.fileName(notBefore: start, channel: .sms, id: id)
            try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(sandbox.spool)/done/\(name)"))
            return name
        }
        let first = try outcome(1)

        let report = try await ticking.tick(at: now)
        #expect(try await ticking.store.agreement(Identifier("A-old")!) == nil, "inactive for over 3 whole years")
        #expect(try await ticking.store.agreement(Identifier("A-young")!) != nil, "a day short of 3 years: kept")
        #expect(report.pruned == 1 && !FileManager.default.fileExists(atPath: "\(sandbox.spool)/done/\(first)"))

        let second = try outcome(2)
        _ = try await ticking.tick(at: now.addingTimeInterval(30 * 60))
        #expect(FileManager.default.fileExists(atPath: "\(sandbox.spool)/done/\(second)"), "not again within the hour")
        let later = try await ticking.tick(at: now.addingTimeInterval(61 * 60))
        #expect(later.pruned == 1 && !FileManager.default.fileExists(atPath: "\(sandbox.spool)/done/\(second)"))
    }
}
