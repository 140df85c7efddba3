import Foundation
import GRDB
import Logging
import PropertyBased
import RapportConfig
import RapportCore
import RapportEngine
import RapportStorage
import Testing

/// `simulate` and `forecast`: the real engine in virtual time.
@Suite("Simulation", .serialized)
struct SimulationTests {
    static let from = "2026-12-01T00:00:00Z"
    static let until = "2027-01-15T00:00:00Z"

    /// A sandbox with a small portfolio, one agreement per zone, imported.
    func portfolio() throws -> Sandbox {
        let sandbox = try Sandbox()
        let zones = [
            "America/Chicago", "Europe/Madrid", "Asia/Kolkata", "Australia/Sydney", "America/New_York",
            "Pacific/Auckland",
        ]
        let lines = zones.enumerated().map { index, zone in
            let locale = index % 2 == 0 ? "en" : "es"
            return #"{"id":"A-\#(index)","debtor":{"name":"Sam","locale":"\#(locale)"},"timezone":"\#(zone)","#
                + #""contacts":{"sms":"+12145550100","email":"s@example.org"},"consent":{"sms":true},"#
                + #""installments":[{"id":"1","due":"2026-12-0\#(3 + index)","amount":"50.00"},"#
                + #"{"id":"2","due":"2027-01-0\#(3 + index)","amount":"50.00"}]}"#
        }
        try sandbox.run(
            "rapportctl", ["import", "agreements", try sandbox.file("a.jsonl", lines.joined(separator: "\n"))])
        return sandbox
    }

    @Test(
        "simulate is deterministic, in send order, delivers at not_before, and never touches the live database or spool"
    )
    func deterministic() async throws {
        let sandbox = try portfolio()
        let snapshot =
            """
            SELECT (SELECT count(*) FROM job), (SELECT count(*) FROM decision), (SELECT count(*) FROM tick), (SELECT \
            group_concat(coalesce(next_action_at, -1) || outcome) FROM agreement)
            """
        let before = try DatabaseQueue(path: sandbox.database).read { try Row.fetchOne($0, sql: snapshot) }
        let first = try sandbox.run(
            "rapportctl",
            [
                "simulate", "--from", Self.from, "--until", Self.until, "--out",
                sandbox.root.appendingPathComponent("one.jsonl").path,
            ])
        #expect(first.code == 0, "\(first.err)")
        #expect(first.err.contains("simulate: "))
        let second = try sandbox.run("rapportctl", ["simulate", "--from", Self.from, "--until", Self.until])
        let one = try Data(contentsOf: sandbox.root.appendingPathComponent("one.jsonl"))
        #expect(one == Data(second.out.utf8), "the same input gives byte-identical output")
        #expect(
            try DatabaseQueue(path: sandbox.database).read { try Row.fetchOne($0, sql: snapshot) } == before,
            "the live records are untouched")
        let liveSpoolEmpty =
            try !FileManager.default.fileExists(atPath: sandbox.spool + "/new") || sandbox.jobs().isEmpty
        #expect(liveSpoolEmpty)

        let jobs = try second.out.split(separator: "\n").map { try Job.decode(Data($0.utf8)) }
        #expect(jobs.count >= 12)
        #expect(jobs.map(\.notBefore) == jobs.map(\.notBefore).sorted())
        #expect(jobs.allSatisfy { $0.deliveredAt == $0.notBefore })
        #expect(Set(jobs.map(\.id)).count == jobs.count)
        #expect(
            jobs.allSatisfy {
                $0.notBefore >= Timestamp.parse(Self.from)! && $0.notBefore <= Timestamp.parse(Self.until)!
            })
        #expect(Set(jobs.map(\.kind)).isSuperset(of: [.preDue, .missed]))
    }

    @Test("Events are applied when the clock reaches them, through the import path")
    func events() async throws {
        let sandbox = try portfolio()
        let file = try sandbox.file(
            "events.jsonl",
            """
            {"agreement":"A-0","type":"payment","at":"2026-12-02T15:00:00Z","amount":"50.00","installment":"1"}
            {"agreement":"A-1","type":"cease","at":"2026-12-20T12:00:00Z"}
            """)
        let result = try sandbox.run(
            "rapportctl", ["simulate", "--from", Self.from, "--until", Self.until, "--events", file])
        #expect(result.code == 0, "\(result.err)")
        let jobs = try result.out.split(separator: "\n").map { try Job.decode(Data($0.utf8)) }
        let paid = jobs.filter { $0.agreement.rawValue == "A-0" }
        #expect(paid.contains { $0.kind == .thanks && $0.notBefore >= Timestamp.parse("2026-12-02T15:00:00Z")! })
        #expect(!paid.contains { $0.kind == .missed && $0.body.contains("December 3") })
        let ceased = jobs.filter {
            $0.agreement.rawValue == "A-1" && $0.notBefore > Timestamp.parse("2026-12-20T12:00:00Z")!
        }
        #expect(ceased.map(\.kind) == [.ceaseConfirmation], "R12: after the cease, only its confirmation")

        let bad = try sandbox.file("bad.jsonl", #"{"agreement":"A-9","type":"cease","at":"2026-12-20T12:00:00Z"}"#)
        let refused = try sandbox.run(
            "rapportctl", ["simulate", "--from", Self.from, "--until", Self.until, "--events", bad])
        #expect(refused.code == 65)
        #expect(refused.err.contains("bad.jsonl:1: agreement A-9 is not known"))
        #expect(try sandbox.run("rapportctl", ["simulate", "--from", Self.until, "--until", Self.from]).code == 64)
        #expect(try sandbox.run("rapportctl", ["simulate", "--from", "yesterday", "--until", Self.until]).code == 64)
    }

    @Test("forecast counts messages per day and channel from the same engine")
    func forecast() async throws {
        let sandbox = try Sandbox()
        let lines = (0..<4).map { Sandbox.agreementLine("A-\($0)", zone: "Asia/Tokyo", dueInDays: 5 + $0) }
        try sandbox.run(
            "rapportctl", ["import", "agreements", try sandbox.file("a.jsonl", lines.joined(separator: "\n"))])
        let table = try sandbox.run("rapportctl", ["forecast", "--days", "10"])
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.hasPrefix("DATE (UTC)  SMS"))
        let json = try sandbox.run("rapportctl", ["forecast", "--days", "10", "--json"])
        let days = try json.out.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(days.count == 10, "exactly the days asked for")
        #expect(days.compactMap { $0["total"] as? Int }.reduce(0, +) >= 4, "every reminder is forecast")
        #expect(
            days.allSatisfy { day in
                (day["total"] as? Int)
                    == ["sms", "email", "voice", "letter"].compactMap { day[$0] as? Int }.reduce(0, +)
            })
    }
}

/// The hard rules, checked on what the real engine sends in simulated time over random
/// portfolios and random event streams.
@Suite("Invariants through simulate")
struct SimulationInvariantTests {
    @Test(
        "R1 R2 R8 R12 R13 R16: random portfolios and events through Simulation; no job twice", .timeLimit(.minutes(5)))
    func invariants() async throws {
        await propertyCheck(count: 4, input: Gen.int(in: 0...100_000)) { seed in
            do {
                try await check(seed: UInt64(seed))
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    func check(seed: UInt64) async throws {
        let sandbox = try Sandbox()
        let settings = try sandbox.settings()
        let engine = try await sandbox.openEngine()
        let from = Timestamp.parse("2027-03-01T00:00:00Z")!
        let (agreements, stops) = DemoPortfolio.make(count: 40, now: from, seed: seed)
        _ = try await engine.store.upsert(agreements, at: from)
        var random = SplitMix64(seed: seed)
        var events = stops
        for agreement in agreements where random.next() % 4 == 0 {
            let at = from.addingTimeInterval(Double(random.next() % (20 * 86_400)))
            let type: EventType = [.cease, .attorney, .optOut, .payment][Int(random.next() % 4)]
            events.append(
                Event(
                    agreement: agreement.id, type: type, at: at, amount: type == .payment ? Money("10.00") : nil,
                    channel: type == .optOut ? .sms : nil))
        }
        let future = events.filter { $0.at > from }
        _ = try await engine.store.append(events.filter { $0.at <= from }, at: from)
        var jobs: [Job] = []
        _ = try await Simulation(
            settings: settings, from: from, until: from.addingTimeInterval(30 * 86_400), events: future
        )
        .run(copying: engine.store, logger: Logger(label: "test")) { jobs.append($0) }

        #expect(Set(jobs.map(\.id)).count == jobs.count, "a job went out twice (seed \(seed))")
        #expect(!jobs.isEmpty)
        let byID = Dictionary(uniqueKeysWithValues: agreements.map { ($0.id, $0) })
        for job in jobs {
            let agreement = try #require(byID[job.agreement])
            for zone in agreement.candidateZones {
                let clock = try #require(ZoneClock(identifier: zone))
                // Answers keep R1's hours (R32 R40); every other job the policy's window (R4).
                let opens: Int = job.kind.isAnswer ? 8 * 60 : 9 * 60
                let closes: Int = job.kind.isAnswer ? 21 * 60 : 20 * 60
                let start = clock.localTime(of: job.notBefore).minutes
                let end = clock.localTime(of: job.notAfter).minutes
                #expect(
                    start >= opens && end <= closes,
                    "R1/R2: \(job.id) in \(zone) (seed \(seed))")
            }
            let before = events.filter { $0.agreement == job.agreement && $0.at <= job.notBefore }
            #expect(!before.contains { $0.type == .attorney }, "R13 (seed \(seed))")
            #expect(!before.contains { $0.type == .cease } || job.kind == .ceaseConfirmation, "R12 (seed \(seed))")
            #expect(!(before.contains { $0.type == .optOut } && job.channel == .sms), "R16 (seed \(seed))")
            #expect(job.channel != .sms || agreement.consent.sms, "R16 consent (seed \(seed))")
        }
        // Answers (R32 R40) are outside R8's pacing and do not count against it.
        for (debtor, theirs) in Dictionary(grouping: jobs.filter { !$0.kind.isAnswer }, by: \.debtor) {
            let clock = try #require(ZoneClock(identifier: theirs[0].timezone))
            let sorted = theirs.sorted { $0.notBefore < $1.notBefore }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) {
                #expect(
                    clock.localDate(of: earlier.notBefore) != clock.localDate(of: later.notBefore),
                    "R8 daily for \(debtor) (seed \(seed))")
                if ![.thanks, .completed].contains(earlier.kind) && ![.thanks, .completed].contains(later.kind) {
                    #expect(
                        later.notBefore.timeIntervalSince(earlier.notBefore) >= 48 * 3600,
                        "R8 gap for \(debtor) (seed \(seed))")
                }
            }
        }
    }
}

/// An operator's Ctrl-C or a SIGTERM in the middle of a long simulation.
@Suite("Interrupted simulation")
struct InterruptedSimulationTests {
    @Test("simulate stopped by SIGTERM removes its private copy and leaves no output that looks finished")
    func sigtermLeavesNothing() throws {
        let sandbox = try Sandbox()
        let today = ISO8601DateFormatter().string(from: Date())
        let book = try sandbox.run(
            "rapportctl", ["generate", "--agreements", "3000", "--today", today], withConfig: false)
        #expect(
            try sandbox.run("rapportctl", ["import", "agreements", try sandbox.file("book.jsonl", book.out)]).code == 0)
        let scratch = sandbox.root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let out = sandbox.root.appendingPathComponent("simulated.jsonl").path
        let until = ISO8601DateFormatter().string(from: Date().addingTimeInterval(120 * 86_400))
        let process = try sandbox.start(
            "rapportctl", ["simulate", "--from", today, "--until", until, "--out", out],
            environment: ["TMPDIR": scratch.path])
        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("rapport-") }
        }
        // Interrupt it once its copy exists: it is working in it.
        let deadline = Date().addingTimeInterval(60)
        while try leftovers().isEmpty, process.isRunning, Date() < deadline { usleep(50_000) }
        try #require(process.isRunning, "the simulation ended before it could be interrupted: give it a longer run")
        #expect(try !leftovers().isEmpty)
        usleep(300_000)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + SIGTERM)
        #expect(try leftovers().isEmpty, "the private copy is removed")
        #expect(!FileManager.default.fileExists(atPath: out), "no output that looks finished")
    }
}
