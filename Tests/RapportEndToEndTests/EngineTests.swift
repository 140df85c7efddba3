import Foundation
import GRDB
import Logging
import RapportConfig
import RapportCore
import RapportEngine
import RapportStore
import Testing

/// The engine in-process on a real database and spool, with the clock in the test's hands.
@Suite("Engine")
struct EngineTests {
    let sandbox: Sandbox
    let engine: Engine

    init() throws {
        sandbox = try Sandbox()
        var settings = try ConfigLoader.load(path: sandbox.config)
        settings.storage.database = sandbox.database
        settings.storage.spool = sandbox.spool
        engine = try Engine.open(settings: settings, logger: Logger(label: "test"))
    }

    /// Imports agreements due in two days in a few zones, as of `now`.
    func seed(count: Int = 4) throws {
        let lines = (0..<count).map { Sandbox.agreementLine("A-\($0)", zone: ["Asia/Tokyo", "Europe/Paris", "America/Chicago", "Australia/Sydney"][$0 % 4], dueInDays: 2) }
        let report = try Importer(store: engine.store).importAgreements(Data(lines.joined(separator: "\n").utf8), strict: true, at: Date())
        try #require(report.rejected.isEmpty)
    }

    func sql(_ statement: String) throws {
        try DatabaseQueue(path: sandbox.database).write { try $0.execute(sql: statement) }
    }

    @Test("A job recorded as planned whose file never made it is written on the next tick, under the same name, with the same bytes")
    func finishesInterruptedWrites() throws {
        try seed()
        let now = Date()
        let first = try engine.tick(at: now)
        let name = try #require(first.spooled.first?.fileName)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(sandbox.spool)/new/\(name)"))
        // The crash: the row says planned, the file is gone.
        try FileManager.default.removeItem(atPath: "\(sandbox.spool)/new/\(name)")
        try sql("UPDATE job SET state = 'planned'")
        let second = try engine.tick(at: now.addingTimeInterval(60))
        #expect(second.recovered == first.spooled.count)
        #expect(second.spooled.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(sandbox.spool)/new/\(name)")) == bytes)
        #expect(try sandbox.jobs().count == first.spooled.count)
        #expect(try engine.store.jobs(in: .planned).isEmpty)
    }

    @Test("A planned job whose file is already durable is only marked: never a second file")
    func neverTwice() throws {
        try seed()
        let now = Date()
        let first = try engine.tick(at: now)
        try sql("UPDATE job SET state = 'planned'")
        for minute in 1...3 { _ = try engine.tick(at: now.addingTimeInterval(Double(minute * 60))) }
        #expect(try sandbox.jobs().count == first.spooled.count)
        #expect(try engine.store.status().jobsByState["spooled"] == first.spooled.count)
    }

    @Test("A job never claimed before its not_after is moved to expired/ and its agreement planned again")
    func expiry() throws {
        try seed(count: 1)
        let now = Date()
        let first = try engine.tick(at: now)
        let job = try #require(try engine.store.jobs(in: .spooled).first)
        #expect(first.spooled.count == 1)
        let report = try engine.tick(at: job.notAfter.addingTimeInterval(60))
        #expect(report.expired == 1)
        #expect(try sandbox.jobs(in: "expired") == [job.fileName])
        let explanation = try #require(try engine.explain(job.agreement, at: job.notAfter.addingTimeInterval(120)))
        #expect(explanation.jobs.first?.state == .expired)
        #expect(explanation.decisions.contains { $0.outcome == "expired" })
    }

    @Test("A claimed job is not withdrawn, and the records say it was too late")
    func claimedIsTooLate() throws {
        try seed(count: 1)
        let now = Date()
        _ = try engine.tick(at: now)
        let job = try #require(try engine.store.jobs(in: .spooled).first)
        try FileManager.default.moveItem(atPath: "\(sandbox.spool)/new/\(job.fileName)", toPath: "\(sandbox.spool)/cur/\(job.fileName)")
        _ = try engine.store.append([Event(agreement: job.agreement, type: .cease, at: now)], at: now)
        #expect(try engine.withdrawStale(job.agreement, at: now.addingTimeInterval(1)) == 0)
        #expect(try sandbox.jobs(in: "cur") == [job.fileName])
        #expect(try engine.store.job(job.id)?.state == .claimed)
    }
}
