import Foundation
import GRDB
import RapportCommandLine
import RapportConfig
import RapportCore
import RapportEngine
import RapportMessages
@testable import RapportSpool
import RapportStorage
import Testing

/// Issue 14: an operator's ordinary mistakes lose nothing, leak nothing, and end in one clear
/// line with the contract's exit code.
@Suite("Operator safety")
struct OperatorSafetyTests {
    @Test("One error model: every error type maps to the contract's code and one line")
    func errorModel() {
        let cases: [(any Error, SysExit)] = [
            (Failure(.usage, "x"), .usage),
            (EngineError.configuration("bad key"), .config),
            (EngineError.store(StoreError(.locked, "locked")), .unavailable),
            (StoreError(.missingDatabase, "missing"), .noInput),
            (StoreError(.missingFolder, "folder"), .ioError),
            (StoreError(.unusable, "unusable\nsecond line"), .ioError),
            (SystemError(call: "rename", path: "/spool/new/x", errno: EACCES), .ioError),
            (SystemError(call: "write", path: "/spool/tmp/x", errno: ENOSPC), .ioError),
            (ConfigError("r.toml: [pacing] max_per_wek is not a known key"), .config),
            (TemplateError("en/missed.sms.mustache: missing"), .config),
            (ImportError("inconvenient.befor is not a known key"), .dataError),
            (CocoaError(.fileNoSuchFile), .ioError),
        ]
        for (error, code) in cases {
            let failure = Failure(mapping: error)
            #expect(failure.code == code, "\(error)")
            #expect(!failure.message.contains("\n") && !failure.message.isEmpty, "\(error)")
        }
        #expect(
            Failure(mapping: SystemError(call: "rename", path: "/s/new/x", errno: EACCES)).message.contains(
                "permission denied"))
    }

    @Test("Usage errors of every program are one line and exit 64; a mistyped database is refused, never created (66)")
    func usageAndMissingDatabase() async throws {
        let sandbox = try Sandbox()
        for program in ["rapportd", "rapportctl", "rapport-mail"] {
            let result = try sandbox.run(program, ["--no-such-option"])
            #expect(
                result.code == 64 && result.err.split(separator: "\n").count == 1
                    && result.err.hasPrefix("\(program): "), "\(program): \(result.err)")
        }
        let typo = sandbox.root.appendingPathComponent("db/typo.sqlit").path
        for verb in [
            ["status"], ["explain", "A-1"], ["inbox", "ls"], ["agreements", "ls"], ["forecast", "--days", "1"],
        ] {
            let result = try sandbox.run("rapportctl", verb + ["--database", typo])
            #expect(result.code == 66, "\(verb): \(result.err)")
            #expect(
                result.err
                    == "rapportctl: database \(typo) does not exist (create it with rapportctl import, or check "
                    + "--database)\n"
            )
        }
        #expect(!FileManager.default.fileExists(atPath: typo))
        #expect(!FileManager.default.fileExists(atPath: sandbox.spool), "no spool tree left behind")
    }

    @Test("Import: an unknown key anywhere is a rejected line naming its path and the known keys")
    func unknownKeys() async throws {
        let sandbox = try Sandbox()
        let good = Sandbox.agreementLine("A-1", zone: "Asia/Tokyo", dueInDays: 5)
        let lines = [
            good.replacingOccurrences(
                of: #""consent":{"sms":true}"#, with: #""consent":{"sms":true},"inconvenient":{"befor":"10:00"}"#),
            good.replacingOccurrences(of: #""consent":"#, with: #""concent":"#).replacingOccurrences(
                of: "A-1", with: "A-2"),
            good.replacingOccurrences(of: #""amount":"50.00""#, with: #""amount":"50.00","amont":"5""#)
                .replacingOccurrences(of: "A-1", with: "A-3"),
        ]
        let result = try sandbox.importAgreements(lines)
        #expect(result.code == 65)
        #expect(
            result.err.contains(
                "a.jsonl:1: inconvenient.befor is not a known key (known: before, after, days, channels)"))
        #expect(result.err.contains("a.jsonl:2: concent is not a known key"))
        #expect(
            result.err.contains("a.jsonl:3: installments[0].amont is not a known key (known: id, due, amount, paid)"))
        try sandbox.importAgreements([good], file: "b.jsonl")
        let event = try sandbox.run(
            "rapportctl",
            [
                "import", "events",
                try sandbox.file(
                    "e.jsonl",
                    #"{"agreement":"A-1","type":"payment","at":"2026-12-01T15:00:00Z","amount":"5.00","#
                        + #""ammount":"50.00"}"#
                ),
            ])
        #expect(event.code == 65 && event.err.contains("e.jsonl:1: ammount is not a known key"))
    }

    @Test("Re-import cannot move an agreement to another person unless asked; then the reset is said")
    func debtorChange() async throws {
        let sandbox = try Sandbox()
        try sandbox.importAgreements([Sandbox.agreementLine("A-1000", zone: "Asia/Tokyo", dueInDays: 5, debtor: "D-1")])
        #expect(
            try sandbox.run("rapportctl", ["adjust", "A-1000", "--not-before", "10:00", "--reason", "asked"]).code == 0)
        let moved = try sandbox.file(
            "b.jsonl", Sandbox.agreementLine("A-1000", zone: "Asia/Tokyo", dueInDays: 5, debtor: "D-2"))
        let refused = try sandbox.run("rapportctl", ["import", "agreements", moved])
        #expect(
            refused.code == 65
                && refused.err.contains("A-1000 belongs to debtor D-1, this line gives D-2; pass --allow-debtor-change")
        )
        #expect(try sandbox.run("rapportctl", ["explain", "A-1000"]).out.contains("debtor D-1"))
        let allowed = try sandbox.run("rapportctl", ["import", "agreements", moved, "--allow-debtor-change"])
        #expect(allowed.code == 0)
        #expect(allowed.out.contains("A-1000 moved from debtor D-1 to D-2: adjustments reset"))
        let explained = try sandbox.run("rapportctl", ["explain", "A-1000"]).out
        let adjusted = explained.split(separator: "\n").first { $0.hasPrefix("adjusted:") } ?? ""
        #expect(explained.contains("debtor D-2") && adjusted == "adjusted: earlier adjustments cleared", "\(explained)")
    }

    @Test(
        """
        R5 R18: adjust changes only what it names, --clear resets, an impossible window is refused, a job outside the \
        new window is withdrawn
        """
    )
    func adjust() async throws {
        let sandbox = try Sandbox(extraConfig: "[cadence]\nspread_minutes = 1\n")
        try sandbox.importAgreements([ListeningTests.agreement("A-1")])
        #expect(
            try sandbox.run("rapportctl", ["adjust", "A-1", "--avoid-days", "sun", "--reason", "church"]).code == 0)
        #expect(
            try sandbox.run("rapportctl", ["adjust", "A-1", "--not-before", "10:00", "--reason", "late riser"]).code
                == 0)
        let both =
            try sandbox.run("rapportctl", ["explain", "A-1"]).out.split(separator: "\n").first {
                $0.hasPrefix("adjusted:")
            } ?? ""
        #expect(both.contains("not before 10:00") && both.contains("never on sun"), "\(both)")
        let impossible = try sandbox.run(
            "rapportctl", ["adjust", "A-1", "--not-before", "19:00", "--not-after", "10:00", "--reason", "x"])
        #expect(impossible.code == 64 && impossible.err.contains("leave no time inside the contact window"))
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let job = try #require(try sandbox.jobs().first)
        let local = try #require(try sandbox.job(job)["local_time"] as? String)
        let hour = Int(local.dropFirst(11).prefix(2)) ?? 0
        // A not-before an hour after the job's time: the waiting job must go at once.
        let later = String(format: "%02d:00", min(hour + 2, 19))
        let narrowed = try sandbox.run(
            "rapportctl", ["adjust", "A-1", "--not-before", later, "--reason", "works mornings"])
        #expect(narrowed.code == 0 && narrowed.out.contains("1 waiting job(s) withdrawn"), "\(narrowed.out)")
        #expect(
            try sandbox.run("rapportctl", ["adjust", "A-1", "--clear", "--reason", "back to the import"]).code == 0)
        let cleared = try sandbox.run("rapportctl", ["explain", "A-1"]).out
        #expect(
            cleared.split(separator: "\n").first { $0.hasPrefix("adjusted:") }
                == "adjusted: earlier adjustments cleared")
    }

    @Test("An interrupted simulate leaves no copy of the portfolio and no --out that looks complete")
    func interruptedSimulation() async throws {
        let sandbox = try Sandbox()
        let lines = (0..<400).map { Sandbox.agreementLine("A-\($0)", zone: "America/Chicago", dueInDays: $0 % 28 + 1) }
        try sandbox.importAgreements(lines)
        let before = Set(
            try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter {
                $0.hasPrefix("rapport-simulate-")
            })
        let out = sandbox.root.appendingPathComponent("sent.jsonl").path
        let process = try sandbox.start(
            "rapportctl",
            ["simulate", "--from", ListeningTests.now(), "--until", ListeningTests.now(days: 3000), "--out", out])
        var copy: String?
        for _ in 0..<100 where copy == nil {
            usleep(50_000)
            copy = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
                .first { $0.hasPrefix("rapport-simulate-") && !before.contains($0) }
        }
        let folder = try #require(copy, "the simulation's private folder")
        let mode =
            (try FileManager.default.attributesOfItem(atPath: NSTemporaryDirectory() + "/" + folder)[.posixPermissions]
            as? NSNumber)?.intValue
        #expect(mode == 0o700)
        usleep(300_000)
        kill(process.processIdentifier, SIGINT)
        _ = (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(!FileManager.default.fileExists(atPath: NSTemporaryDirectory() + "/" + folder), "the copy is gone")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: sandbox.root.path).allSatisfy {
                !$0.contains("partial")
            })
    }

    @Test("forecast --days N prints exactly N days; pause refuses a past or malformed date; status says what is due")
    func smallThings() async throws {
        let sandbox = try Sandbox()
        try sandbox.importAgreements([Sandbox.agreementLine("A-1", zone: "Asia/Tokyo", dueInDays: 3)])
        let status = try sandbox.run("rapportctl", ["status"]).out
        #expect(status.contains("next planning: now: 1 agreement(s) due"), "\(status)")
        #expect(!status.contains("1970"))
        let forecast = try sandbox.run("rapportctl", ["forecast", "--days", "3", "--json"])
        #expect(forecast.code == 0 && forecast.out.split(separator: "\n").count == 3, "\(forecast.out)")
        let past = try sandbox.run("rapportctl", ["pause", "A-1", "--until", "2020-01-01", "--reason", "x"])
        #expect(past.code == 64 && past.err.contains("is in the past"))
        let american = try sandbox.run("rapportctl", ["pause", "A-1", "--until", "12/10/2026", "--reason", "x"])
        #expect(
            american.code == 64 && american.err.contains("is not a date YYYY-MM-DD")
                && !american.err.contains("record --help"))
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let listed = try sandbox.run("rapportctl", ["agreements", "ls", "--json"]).out
        #expect(listed.contains(#""id":"A-1""#) && listed.contains(#""outcome":"#))
        #expect(
            try sandbox.run("rapportctl", ["agreements", "ls", "--state", "blocked"]).out.contains(
                "no agreement is blocked"))
    }

    @Test("spool show takes a unique prefix; ack of a job that is not claimed says where it is")
    func spoolCommands() async throws {
        let sandbox = try Sandbox()
        try sandbox.importAgreements([Sandbox.agreementLine("A-1", zone: "Asia/Tokyo", dueInDays: 2)])
        try sandbox.run("rapportd", ["--once"])
        let name = try #require(try sandbox.jobs().first)
        let id = String(name.dropLast(5).split(separator: "_").last ?? "")
        let shown = try sandbox.run("rapportctl", ["spool", "show", String(id.prefix(8))])
        #expect(shown.code == 0 && shown.out.contains(id), "\(shown.err)")
        let waiting = try sandbox.run(
            "rapportctl", ["spool", "ack", id, "--status", "delivered", "--spool", sandbox.spool], withConfig: false)
        #expect(waiting.code == 65 && waiting.err.contains("waits in new/: a delivery tool claims it first"))
        let unknown = try sandbox.run(
            "rapportctl",
            [
                "spool", "ack", "j-" + String(repeating: "0", count: 32), "--status", "delivered", "--spool",
                sandbox.spool,
            ], withConfig: false)
        #expect(unknown.code == 65 && unknown.err.contains("is not in the spool"))
        #expect(try sandbox.run("rapportctl", ["spool", "ls", "--help"]).out.contains("review"))
    }
}
