import Foundation
import GRDB
import RapportCore
import RapportEngine
import RapportTestSupport
import Testing

/// Input written by someone careless or hostile: each bad line a clear error with its number,
/// nothing imported that should not be, no id ever reaching a file name or a shell, and no
/// input at all that crashes the importer.
@Suite("Hostile input")
struct HostileInputTests {
    static let valid = Sandbox.agreementLine("A-ok", zone: "America/Chicago", dueInDays: 3)

    /// `valid` with its id replaced by the JSON string `id` (already escaped).
    static func withID(_ id: String) -> String {
        valid.replacingOccurrences(of: #""id":"A-ok""#, with: #""id":"\#(id)""#)
    }

    static func withAmount(_ amount: String) -> String {
        valid.replacingOccurrences(of: #""amount":"50.00""#, with: #""amount":\#(amount)"#)
    }

    @Test("Every kind of bad agreement line is refused by number with its reason, and only the good line is imported")
    func badAgreementLines() async throws {
        let sandbox = try Sandbox()
        let cases: [(line: String, reason: String)] = [
            (String(Self.valid.prefix(80)), "not valid JSON"),  // truncated
            (
                Self.valid.replacingOccurrences(of: #""name":"Sam Rivera""#, with: #""name":42"#),
                "debtor.name must be a string"
            ),
            (Self.withID(String(repeating: "x", count: 10 << 20)), "longer than 1024 KiB"),
            (Self.withID("A/../../etc/passwd"), "id must be"),
            (Self.withID(".."), "id must be"),
            (Self.withID(#"A-1\u0000x"#), "NUL"),
            (Self.withID("A;rm -rf ~"), "id must be"),
            (Self.withID("$(reboot)"), "id must be"),
            (Self.withID("`id`"), "id must be"),
            (
                Self.valid.replacingOccurrences(of: "America/Chicago", with: "Europe/Atlantis"),
                "not a known IANA time zone"
            ),
            (Self.withAmount(#""-5.00""#), "not an amount"),
            (Self.withAmount(#""NaN""#), "not an amount"),
            (Self.withAmount(#""1e3""#), "not an amount"),
            (Self.withAmount(#""Infinity""#), "not an amount"),
            (Self.withAmount("50"), "decimal string"),
            (
                Self.valid.replacingOccurrences(
                    of: #""due":"\d{4}-\d{2}-\d{2}""#, with: #""due":"2026-02-30""#, options: .regularExpression),
                "2026-02-30"
            ),
            (
                Self.valid.replacingOccurrences(of: #""due":"#, with: #""x":1,"due":"#),
                "installments[0].x is not a known key"
            ),
            (Self.valid, "already appears on line 1"),  // the good line again: a duplicate id
        ]
        var text = Data((Self.valid + "\n").utf8)
        for item in cases { text.append(Data((item.line + "\n").utf8)) }
        text.append(contentsOf: [0x7B, 0xFF, 0xFE, 0x7D, 0x0A])  // invalid UTF-8
        let file = sandbox.root.appendingPathComponent("hostile.jsonl")
        try text.write(to: file)

        let result = try sandbox.run("rapportctl", ["import", "agreements", file.path])
        #expect(result.code == 65)
        let errors = result.err.split(separator: "\n").map(String.init)
        for (index, item) in cases.enumerated() {
            let prefix = file.path + ":\(index + 2): "
            let line = errors.first { $0.hasPrefix(prefix) }
            #expect(line?.contains(item.reason) == true, "line \(index + 2): \(line ?? "no error")")
        }
        #expect(errors.contains { $0.hasSuffix("hostile.jsonl:\(cases.count + 2): not UTF-8 text") })
        #expect(errors.allSatisfy { $0.count < 400 }, "no error line echoes a huge value")
        #expect(result.out.contains("1 imported, 0 updated, 0 unchanged, \(cases.count + 1) rejected"))
        let ids = try await DatabaseQueue(path: sandbox.database).read {
            try String.fetchAll($0, sql: "SELECT id FROM agreement")
        }
        #expect(ids == ["A-ok"])

        let strict = try sandbox.run("rapportctl", ["import", "agreements", file.path, "--strict"])
        #expect(strict.code == 65 && strict.out.contains("nothing imported"))
    }

    @Test("--strict is all or nothing: one bad line among a thousand good ones imports none of them")
    func strictIsAtomic() async throws {
        let sandbox = try Sandbox()
        var lines = (0..<1000).map { Sandbox.agreementLine("A-\($0)", zone: "Europe/Paris", dueInDays: 4) }
        lines.insert(#"{"id":"A-bad""#, at: 700)
        let file = try sandbox.file("mixed.jsonl", lines.joined(separator: "\n"))
        let strict = try sandbox.run("rapportctl", ["import", "agreements", file, "--strict"])
        #expect(strict.code == 65)
        #expect(strict.err.contains("mixed.jsonl:701: not valid JSON"))
        let count = try await DatabaseQueue(path: sandbox.database).read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM agreement")
        }
        #expect(count == 0)
    }

    @Test(
        "Across import chunks (validated while earlier ones are written): refusals in line order, duplicates found",
        arguments: StoreKind.allCases)
    func acrossChunks(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let engine = try await sandbox.openEngine()
        var lines = (0..<6_500).map { Sandbox.agreementLine("A-\($0)", zone: "Europe/Paris", dueInDays: 4) }
        lines[2_999] = #"{"id":"A-bad""#
        lines[4_100] = Sandbox.agreementLine("A-10", zone: "Europe/Paris", dueInDays: 5)
        lines[6_499] = Self.withID("A/..")
        let data = Data(lines.joined(separator: "\n").utf8)
        let report = try await Importer(store: engine.store).importAgreements(data, strict: false, at: Date())
        #expect(report.rejected.map(\.line) == [3_000, 4_101, 6_500])
        #expect(report.rejected[1].message == "id A-10 already appears on line 11")
        #expect(report.agreements.imported == 6_497)
        let strict = try await Importer(store: engine.store).importAgreements(data, strict: true, at: Date())
        #expect(strict.abandoned && strict.rejected.map(\.line) == [3_000])
        #expect(try await engine.store.status().agreements == 6_497)
        // A bad last line, after three chunks were written: the whole file is undone.
        var late = (0..<6_500).map { Sandbox.agreementLine("B-\($0)", zone: "Europe/Paris", dueInDays: 4) }
        late[6_499] = #"{"id":"B-bad""#
        let refused = try await Importer(store: engine.store).importAgreements(
            Data(late.joined(separator: "\n").utf8), strict: true, at: Date())
        #expect(refused.abandoned && refused.rejected.map(\.line) == [6_500])
        #expect(try await engine.store.status().agreements == 6_497)
    }

    @Test(
        """
        Events: unknown agreements, wrong types and impossible values are refused by number; the good ones are recorded
        """
    )
    func badEventLines() async throws {
        let sandbox = try Sandbox()
        let agreements = try sandbox.file("a.jsonl", Self.valid)
        #expect(try sandbox.run("rapportctl", ["import", "agreements", agreements]).code == 0)
        let lines = [
            #"{"agreement":"A-ok","type":"payment","at":"2026-12-01T15:00:00Z","amount":"50.00"}"#,
            #"{"agreement":"A-nobody","type":"cease","at":"2026-12-01T15:00:00Z"}"#,
            #"{"agreement":"A-ok","type":"payment","at":"2026-12-01T15:00:00Z","amount":"NaN"}"#,
            #"{"agreement":"A-ok","type":"promise","at":"2026-12-01T15:00:00Z","date":"2026-02-30"}"#,
            #"{"agreement":"A-ok","type":"pause","at":12}"#,
            #"{"agreement":"../x","type":"cease","at":"2026-12-01T15:00:00Z"}"#,
        ]
        let file = try sandbox.file("e.jsonl", lines.joined(separator: "\n"))
        let result = try sandbox.run("rapportctl", ["import", "events", file])
        #expect(result.code == 65)
        for number in 2...6 { #expect(result.err.contains("e.jsonl:\(number): "), "line \(number): \(result.err)") }
        #expect(result.err.contains("e.jsonl:2: agreement A-nobody is not known"))
        #expect(result.out.hasPrefix("events: 1 recorded"))
    }

    @Test("Configs that are empty of sense: binary, every key wrong, a directory: one line naming the file, exit 78")
    func hostileConfigs() async throws {
        let sandbox = try Sandbox()
        let binary = sandbox.root.appendingPathComponent("binary.toml")
        try Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: binary)
        let wrong = try sandbox.file(
            "wrong.toml", "[storage]\ndatabse = 1\n[daemon]\ntick = \"x\"\n[nonsense]\nkey = true\n")
        for path in [binary.path, wrong, sandbox.root.path] {
            let result = try sandbox.run("rapportctl", ["status", "--config", path], withConfig: false)
            #expect(result.code == 78, "\(path): \(result.err)")
            #expect(result.err.split(separator: "\n").count == 1 && result.err.contains(path), "\(result.err)")
        }
    }

    @Test("Fuzz: thousands of random mutations of valid lines never crash the importer; every refusal names its line")
    func fuzz() async throws {
        let sandbox = try Sandbox()
        let engine = try await sandbox.openEngine()
        let portfolio = SyntheticPortfolio(seed: 11, today: Date())
        var seeds: [String] = []
        for index in 0..<60 {
            let entry = portfolio.entry(index)
            seeds.append(entry.agreement.canonicalJSON)
            for event in entry.events { seeds.append(String(decoding: try event.contractJSON(), as: UTF8.self)) }
        }
        var random = SplitMix64(seed: 2026)
        let tokens = [
            "\"", "{", "}", "[", "]", ":", ",", "\\", "\\u0000", "null", "-1", "1e999", "NaN", "\"..\"", "/",
            "\u{FEFF}", "\n", "\"2026-02-30\"", "true",
        ]
        var lines: [String] = []
        for _ in 0..<4000 {
            var bytes = Array(seeds[Int(random.next() % UInt64(seeds.count))].utf8)
            for _ in 0..<(1 + Int(random.next() % 4)) {
                guard !bytes.isEmpty else { break }
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 12)))
                case 2: bytes.insert(contentsOf: Array(tokens[Int(random.next() % UInt64(tokens.count))].utf8), at: at)
                case 3: bytes = Array(bytes[..<at])
                default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 20)], at: at)
                }
            }
            lines.append(String(decoding: bytes, as: UTF8.self))
        }
        for line in lines {
            _ = try? AgreementImport.parse(line: line)
            _ = try? EventImport.parse(line: line)
        }
        let data = Data(lines.joined(separator: "\n").utf8)
        let report = try await Importer(store: engine.store).importAgreements(data, strict: false, at: Date())
        // Every line that is not blank is accounted for: imported, updated, unchanged or refused.
        let lineCount = JSONLines(data: data).reduce(0) { count, _ in count + 1 }
        #expect(lineCount > 0)
        #expect(
            report.rejected.count + report.agreements.imported + report.agreements.updated + report.agreements.unchanged
                == lineCount)
        #expect(report.rejected.allSatisfy { $0.line > 0 && !$0.message.isEmpty })
        let events = try await Importer(store: engine.store).validateEvents(data, strict: false)
        #expect(events.report.rejected.allSatisfy { $0.line > 0 && !$0.message.isEmpty })
        _ = try await engine.record(events.events, at: Date())
        _ = try await engine.tick(at: Date())
        try SpoolAudit(sandbox: sandbox).problems(finished: true).forEach { Issue.record("\($0)") }
    }
}
