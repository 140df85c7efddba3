import Foundation
import GRDB
import Logging
import RapportCore
import RapportEngine
import RapportSpool
import RapportTestSupport
import Testing

/// Nothing lost, nothing twice: writes broken at every step, in-process and by killing the
/// real `rapportd`, then clean ticks, then `SpoolAudit`.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    /// Agreements due in two days across zones, so most ticks have files to write.
    static func lines(_ count: Int, prefix: String = "A-") -> String {
        let zones = ["Asia/Tokyo", "Europe/Paris", "America/Chicago", "Australia/Sydney", "America/New_York"]
        return (0..<count).map {
            Sandbox.agreementLine("\(prefix)\($0)", zone: zones[$0 % zones.count], dueInDays: 2 + $0 % 2)
        }.joined(separator: "\n")
    }

    func audit(_ sandbox: Sandbox, finished: Bool) throws {
        let problems = try SpoolAudit(sandbox: sandbox).problems(finished: finished)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    /// The sandbox's engine with `faults` in its spool's write path.
    func engine(_ sandbox: Sandbox, faults: FaultInjection?) async throws -> Engine {
        let plain = try await sandbox.openEngine()
        return Engine(
            settings: plain.settings, store: plain.store, spool: Spool(root: plain.spool.root, faults: faults),
            renderer: plain.renderer, logger: Logger(label: "test"))
    }

    @Test(
        """
        Fault injection: a write failing after the tmp write, after the flush, after a rename or before the mark is \
        recovered exactly once
        """,
        arguments: FaultInjection.Step.writing)
    func failedWrite(step: FaultInjection.Step) async throws {
        let sandbox = try Sandbox()
        let broken = try await engine(
            sandbox,
            faults: FaultInjection(
                step: step, arrival: step == .synced || step == .beforeMarked ? 1 : 3, action: .fail(EIO)))
        _ = try await Importer(store: broken.store).importAgreements(
            Data(Self.lines(12).utf8), strict: true, at: Date())
        let now = Date()
        await #expect(throws: EngineError.self) { try await broken.tick(at: now) }
        try audit(sandbox, finished: false)
        #expect(
            try await broken.store.status().jobsByState["spooled", default: 0] == 0,
            "nothing is marked written by a failed batch")

        let healthy = try await engine(sandbox, faults: nil)
        let recovered = try await healthy.tick(at: now.addingTimeInterval(60))
        #expect(recovered.recovered > 0)
        try audit(sandbox, finished: true)
        let written = try sandbox.jobs().count
        #expect(try await written == (healthy.store.status().jobsByState["spooled"]))
        _ = try await healthy.tick(at: now.addingTimeInterval(120))
        #expect(try sandbox.jobs().count == written, "a later tick writes nothing again")
    }

    @Test("R15: a message for review whose write was interrupted is finished into review/, never into new/")
    func interruptedReviewWrite() async throws {
        let sandbox = try Sandbox()
        let broken = try await engine(
            sandbox, faults: FaultInjection(step: .tempWritten, arrival: 1, action: .fail(EIO)))
        _ = try await Importer(store: broken.store).importAgreements(Data(Self.lines(3).utf8), strict: true, at: Date())
        let now = Date()
        _ = try await broken.record(
            [Event(agreement: Identifier("A-0")!, type: .vulnerable, at: now.addingTimeInterval(-60))], at: now)
        await #expect(throws: EngineError.self) { try await broken.tick(at: now) }
        let recovered = try await engine(sandbox, faults: nil).tick(at: now.addingTimeInterval(60))
        #expect(recovered.recovered == 3)
        let inReview = try sandbox.jobs(in: "review")
        #expect(inReview.count == 1)
        #expect(try sandbox.job(inReview[0], in: "review")["agreement"] as? String == "A-0")
        #expect(try sandbox.jobs().allSatisfy { try sandbox.job($0)["agreement"] as? String != "A-0" })
        try audit(sandbox, finished: true)
    }

    @Test(
        "A full disk: one clear line, nothing marked written, and the next tick with space finishes the job by itself")
    func diskFull() async throws {
        let sandbox = try Sandbox()
        let full = try await engine(
            sandbox, faults: FaultInjection(step: .tempWritten, arrival: 1, action: .fail(ENOSPC)))
        _ = try await Importer(store: full.store).importAgreements(Data(Self.lines(6).utf8), strict: true, at: Date())
        let now = Date()
        await #expect {
            try await full.tick(at: now)
        } throws: { error in
            let line = "\(error)"
            return line.contains("disk is full") && line.contains(sandbox.spool) && !line.contains("\n")
        }
        #expect(try sandbox.jobs().isEmpty)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.spool)/tmp").isEmpty,
            "no half-written staging file is left")
        #expect(try await full.store.status().jobsByState["spooled", default: 0] == 0)
        let report = try await engine(sandbox, faults: nil).tick(at: now.addingTimeInterval(60))
        #expect(report.recovered == 6)
        try audit(sandbox, finished: true)
    }

    @Test(
        "rapportd killed (SIGKILL) at each step of a spool write, then a clean tick: every job once",
        arguments: FaultInjection.Step.writing)
    func killedAtStep(step: FaultInjection.Step) async throws {
        let sandbox = try Sandbox()
        let input = try sandbox.file("agreements.jsonl", Self.lines(12))
        #expect(try sandbox.run("rapportctl", ["import", "agreements", input]).code == 0)
        let killed = try sandbox.start(
            "rapportd", ["--once"],
            environment: ["RAPPORT_FAULT": "\(step.rawValue):\(step == .synced || step == .beforeMarked ? 1 : 5):kill"])
        _ = (killed.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile()
        killed.waitUntilExit()
        #expect(
            killed.terminationReason == .uncaughtSignal && killed.terminationStatus == SIGKILL, "the fault killed it")
        try audit(sandbox, finished: false)
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        try audit(sandbox, finished: true)
        #expect(try sandbox.jobs().count == 12)
    }

    /// How many agreements and kills: small in CI; `scripts/kill-test` runs the 20,000.
    static let killAgreements = ProcessInfo.processInfo.environment["RAPPORT_KILL_AGREEMENTS"].flatMap(Int.init) ?? 1500
    static let kills = ProcessInfo.processInfo.environment["RAPPORT_KILLS"].flatMap(Int.init) ?? 60

    @Test(
        """
        Kill test: rapportd --once SIGKILLed at random moments, then clean ticks: nothing twice, nothing \
        half-written, nothing lost
        """, arguments: StoreKind.allCases
    )
    func killTest(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let now = ISO8601DateFormatter().string(from: Date())
        let generated = try sandbox.run(
            "rapportctl", ["generate", "--agreements", String(Self.killAgreements), "--today", now], withConfig: false)
        let events = try sandbox.run(
            "rapportctl", ["generate", "--agreements", String(Self.killAgreements), "--today", now, "--events"],
            withConfig: false)
        let agreementsFile = try sandbox.file("agreements.jsonl", generated.out)
        let eventsFile = try sandbox.file("events.jsonl", events.out)
        // Some due right now as well, so every run has files to write.
        let dueNow = try sandbox.file("due-now.jsonl", Self.lines(200, prefix: "N-"))
        for file in [agreementsFile, dueNow] {
            #expect(try sandbox.run("rapportctl", ["import", "agreements", file]).code == 0)
        }
        #expect(try sandbox.run("rapportctl", ["import", "events", eventsFile]).code == 0)

        // New input keeps every run busy: a fifth of the book is due again, as after an import.
        func makeSomeDue() async throws {
            try sandbox.execute(
                store == .sqlite
                    ? "UPDATE agreement SET next_action_at = 0 WHERE abs(random()) % 5 = 0"
                    : "UPDATE agreement SET next_action_at = 'epoch' WHERE random() < 0.2")
        }
        // One whole run says how long a run lasts, so the kills fall anywhere in it: while
        // reading, planning, recording, writing files or marking them. (The first run plans
        // the whole fresh import; the runs that follow plan a fifth, like the calibration.)
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        try await makeSomeDue()
        let calibration = Date()
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let runMilliseconds = max(50, Int(Date().timeIntervalSince(calibration) * 1000))

        var landed = 0
        var runs = 0
        var delays: [Int] = []
        var random = SystemRandomNumberGenerator()
        while landed < Self.kills, runs < Self.kills * 4 {
            runs += 1
            try await makeSomeDue()
            let daemon = try sandbox.start("rapportd", ["--once"])
            let delay = Int.random(in: 0..<runMilliseconds, using: &random)
            delays.append(delay)
            usleep(useconds_t(delay * 1000))
            if daemon.isRunning {
                kill(daemon.processIdentifier, SIGKILL)
                landed += 1
            }
            daemon.waitUntilExit()
            if landed % 10 == 0 { try audit(sandbox, finished: false) }
        }
        #expect(
            landed >= Self.kills,
            "only \(landed) of \(runs) kills landed while rapportd was running (delays ms: \(delays))")
        for _ in 0..<2 {
            let clean = try sandbox.run("rapportd", ["--once"])
            #expect(clean.code == 0, "\(clean.err)")
        }
        try audit(sandbox, finished: true)
        let files = try SpoolAudit.folders.reduce(0) { total, entry in
            total + (try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.spool)/\(entry.folder)").count)
        }
        let planned = try sandbox.integer("SELECT count(*) FROM agreement WHERE planned_at IS NOT NULL")
        #expect(files > 0)
        #expect(planned == Self.killAgreements + 200, "every agreement was planned in the end")
        print(
            """
            kill test on \(store): \(Self.killAgreements + 200) agreements, a run lasting \(runMilliseconds) ms, \
            \(landed) kills landed mid-run in \(runs) runs, \(files) job files audited: nothing twice, nothing \
            half-written, nothing lost
            """
        )
    }
}
