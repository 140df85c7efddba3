import Foundation
import GRDB
import RapportTestSupport
import Testing

/// Replies in (R31–R35), end to end through the built `rapportd` and `rapportctl`: files a
/// delivery tool drops into the spool's `in/`, and `rapportctl inbound`.
@Suite("Listening: replies in, end to end", .serialized)
struct ListeningTests {
    /// A zone where it is now between 09:00 and 18:00, so contact (and a confirmation within 5
    /// minutes) is allowed whatever time the test runs.
    static let daytime: String = {
        let zones = [
            "Pacific/Kiritimati", "Pacific/Auckland", "Australia/Sydney", "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata",
            "Asia/Dubai", "Europe/Moscow", "Europe/Berlin", "Europe/London", "Atlantic/Azores", "America/Noronha",
            "America/Sao_Paulo", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
            "America/Anchorage", "Pacific/Honolulu", "Pacific/Pago_Pago",
        ]
        return zones.first { zone in
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone)!
            let hour = calendar.component(.hour, from: Date())
            let weekday = calendar.component(.weekday, from: Date())
            return (9..<18).contains(hour) && weekday != 1
        } ?? "Asia/Tokyo"
    }()

    /// An agreement due in two days in `daytime`, texting `sms`.
    static func agreement(_ id: String, sms: String = "+12145550100", email: String = "sam@example.org") -> String {
        Sandbox.agreementLine(id, zone: daytime, dueInDays: 2)
            .replacingOccurrences(of: "+12145550100", with: sms).replacingOccurrences(
                of: "sam@example.org", with: email)
    }

    /// An inbound message of the contract, received now.
    static func message(_ fields: [String: String]) -> String {
        var all = fields
        all["received_at"] = all["received_at"] ?? ISO8601DateFormatter().string(from: Date())
        let data = try! JSONSerialization.data(withJSONObject: all, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Drops `json` into the sandbox's `in/` as a delivery tool does: `in/tmp/`, then a rename.
    static func dropIn(_ sandbox: Sandbox, _ json: String, name: String) throws {
        let staging = "\(sandbox.spool)/in/tmp/\(name)"
        try json.write(toFile: staging, atomically: false, encoding: .utf8)
        #expect(rename(staging, "\(sandbox.spool)/in/\(name)") == 0)
    }

    /// A sandbox with agreements imported and one tick run, so reminders wait in `new/`.
    func prepared(on store: StoreKind = .sqlite, _ lines: [String]) throws -> Sandbox {
        let sandbox = try Sandbox(store: store)
        #expect(
            try sandbox.importAgreements(lines).code == 0)
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        return sandbox
    }

    /// The waiting jobs as (kind, channel, to).
    func waiting(_ sandbox: Sandbox) throws -> [(kind: String, channel: String, to: String)] {
        try sandbox.jobs().map { name in
            let job = try sandbox.job(name)
            return (job["kind"] as? String ?? "", job["channel"] as? String ?? "", job["to"] as? String ?? "")
        }
    }

    @Test(
        """
        R31 R16 R18: a STOP in in/ withdraws every waiting SMS to that number on the next tick, once, with one \
        confirmation
        """
    )
    func stopThroughTheSpool() async throws {
        let sandbox = try prepared([
            Self.agreement("A-1"), Self.agreement("A-2"), Self.agreement("A-3", sms: "+12145550199"),
        ])
        #expect(try waiting(sandbox).filter { $0.channel == "sms" }.count == 3)
        try Self.dropIn(
            sandbox, Self.message(["channel": "sms", "from": "+1 (214) 555-0100", "text": "Stop."]),
            name: "20261201T000000Z_sms_a.json")
        let tick = try sandbox.run("rapportd", ["--once"])
        #expect(tick.code == 0, "\(tick.err)")
        #expect(tick.err.contains("1 inbound read"))
        #expect(!tick.err.contains("Stop."), "no message text in the logs at info")
        let now = try waiting(sandbox)
        #expect(now.filter { $0.to == "+12145550100" && $0.channel == "sms" }.map(\.kind) == ["opt_out_confirmation"])
        #expect(now.contains { $0.to == "+12145550199" && $0.kind == "pre_due" }, "another number is not affected")
        #expect(try sandbox.jobs(in: "withdrawn").count == 2, "the shared number's two reminders")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.spool)/in/done").count == 1)
        #expect(try sandbox.jobs(in: "in").isEmpty)
        // Nothing more to that number by SMS, however long we plan.
        let later = try sandbox.run("rapportctl", ["simulate", "--from", Self.now(), "--until", Self.now(days: 40)])
        #expect(later.code == 0, "\(later.err)")
        let texts = later.out.split(separator: "\n").filter {
            $0.contains(#""channel":"sms""#) && $0.contains("+12145550100")
        }
        #expect(texts.allSatisfy { $0.contains("opt_out_confirmation") }, "\(texts)")
        #expect(later.out.contains(#""to":"sam@example.org""#), "e-mail still reaches the debtor")
    }

    @Test("R31: rapportctl inbound applies at once; the same message twice has one effect; bad lines are named")
    func stopThroughTheCommand() async throws {
        let sandbox = try prepared([Self.agreement("A-1")])
        let stop = Self.message(["channel": "sms", "from": "+12145550100", "text": "ALTO", "provider_id": "SM1"])
        let input = [stop, stop, #"{"channel":"sms","text":"STOP","received_at":"2026-12-01T15:00:00Z"}"#].joined(
            separator: "\n")
        let result = try sandbox.run("rapportctl", ["inbound", "-"], stdin: input)
        #expect(result.code == 65)
        #expect(
            result.out.contains("1 applied (1 opt_out), 1 duplicate, 1 rejected; 1 waiting job(s) withdrawn"),
            "\(result.out)")
        #expect(result.err.contains("stdin:3: from is missing"))
        #expect(try sandbox.jobs(in: "withdrawn").count == 1, "withdrawn at once, before any tick")
        #expect(try sandbox.run("rapportctl", ["inbound", "-"], stdin: stop).out.contains("0 applied, 1 duplicate"))
        let events = try await DatabaseQueue(path: sandbox.database).read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM event WHERE type = 'opt_out'")
        }
        #expect(events == 1)
    }

    @Test(
        "R32: HELP yields one help job with who is writing and how to opt out, however often it is sent that day",
        arguments: StoreKind.allCases)
    func help(store: StoreKind) async throws {
        let sandbox = try prepared(on: store, [Self.agreement("A-1")])
        let input = [
            Self.message(["channel": "sms", "from": "+12145550100", "text": "HELP", "provider_id": "h1"]),
            Self.message(["channel": "sms", "from": "+12145550100", "text": "help!", "provider_id": "h2"]),
        ].joined(separator: "\n")
        #expect(try sandbox.run("rapportctl", ["inbound", "-"], stdin: input).code == 0)
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let helps = try sandbox.jobs().filter { try sandbox.job($0)["kind"] as? String == "help" }
        #expect(helps.count == 1)
        let body = try #require(helps.first.map { try sandbox.job($0)["body"] as? String ?? "" })
        #expect(body.contains("Acme Lending") && body.contains("+1 800 555 0100") && body.contains("STOP"))
    }

    @Test(
        "R33: START after a keyword STOP restores SMS; after an operator's opt-out it waits for a person",
        arguments: StoreKind.allCases)
    func start(store: StoreKind) async throws {
        let sandbox = try prepared(on: store, [Self.agreement("A-1"), Self.agreement("A-2", sms: "+12145550199")])
        let stop = Self.message([
            "channel": "sms", "from": "+12145550100", "text": "STOP", "provider_id": "s1",
            "received_at": Self.now(days: -0.01),
        ])
        #expect(try sandbox.run("rapportctl", ["inbound", "-"], stdin: stop).code == 0)
        #expect(try sandbox.run("rapportctl", ["record", "A-2", "opt_out", "--channel", "sms"]).code == 0)
        let starts = [
            Self.message(["channel": "sms", "from": "+12145550100", "text": "START", "provider_id": "s2"]),
            Self.message(["channel": "sms", "from": "+12145550199", "text": "Start", "provider_id": "s3"]),
        ].joined(separator: "\n")
        let result = try sandbox.run("rapportctl", ["inbound", "-"], stdin: starts)
        #expect(result.out.contains("1 opt_in, 1 opt_in_review"), "\(result.out)")
        #expect(try sandbox.run("rapportctl", ["explain", "A-1"]).out.contains("channels: sms, email"))
        #expect(try sandbox.run("rapportctl", ["explain", "A-2"]).out.contains("sms (opted out)"))
        #expect(try sandbox.run("rapportctl", ["inbox", "ls"]).out.contains("opted out by an operator or a person"))
    }

    @Test(
        "R35: a permanent bounce makes the address unusable until it changes; an unsubscribe opts the address out",
        arguments: StoreKind.allCases)
    func bounceAndUnsubscribe(store: StoreKind) async throws {
        let sandbox = try prepared(
            on: store,
            [
                Self.agreement("A-1"), Self.agreement("A-2", sms: "+12145550199", email: "ana@example.org"),
            ])
        let input = [
            Self.message([
                "channel": "email", "kind": "bounce", "recipient": "Sam@Example.org", "status": "5.1.1",
                "detail": "user unknown",
            ]),
            Self.message(["channel": "email", "kind": "unsubscribe", "recipient": "ana@example.org"]),
            Self.message(["channel": "email", "kind": "bounce", "recipient": "ana@example.org", "status": "4.2.2"]),
        ].joined(separator: "\n")
        let result = try sandbox.run("rapportctl", ["inbound", "-"], stdin: input)
        #expect(result.out.contains("1 bounce, 1 temporary_failure, 1 unsubscribe"), "\(result.out)")
        let explained = try sandbox.run("rapportctl", ["explain", "A-1"]).out
        #expect(explained.contains("bounced permanently") && explained.contains("R35"))
        #expect(try sandbox.run("rapportctl", ["explain", "A-2"]).out.contains("email (opted out)"))
        // A re-import with a new address makes e-mail usable again.
        try sandbox.importAgreements([Self.agreement("A-1", email: "sam.new@example.org")], file: "b.jsonl")
        #expect(!(try sandbox.run("rapportctl", ["explain", "A-1"]).out.contains("bounced permanently")))
    }

    @Test(
        """
        R34: a conversation waits in the inbox with its text and resets backoff; done records the action; unknown \
        senders wait unmatched
        """, arguments: StoreKind.allCases)
    func inbox(store: StoreKind) async throws {
        let sandbox = try prepared(on: store, [Self.agreement("A-1")])
        let input = [
            Self.message(["channel": "sms", "from": "+12145550100", "text": "I lost my job, can we talk?"]),
            Self.message(["channel": "sms", "from": "+19995550000", "text": "who is this"]),
            Self.message(["channel": "sms", "from": "+12145550100", "text": "I refuse to pay this"]),
        ].joined(separator: "\n")
        #expect(try sandbox.run("rapportctl", ["inbound", "-"], stdin: input).code == 0)
        let listed = try sandbox.run("rapportctl", ["inbox", "ls", "--json"]).out.split(separator: "\n")
        #expect(listed.count == 3)
        let first = try #require(
            listed.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(first["text"] as? String == "I lost my job, can we talk?")
        #expect(first["agreements"] as? [String] == ["A-1"])
        #expect(listed[1].contains(#""agreements":[]"#))
        #expect(try sandbox.run("rapportctl", ["inbox", "show", "3"]).out.contains("I refuse to pay this"))
        #expect(try sandbox.run("rapportctl", ["explain", "A-1"]).out.contains("reply"))
        let done = try sandbox.run(
            "rapportctl", ["inbox", "done", "3", "--action", "cease", "--reason", "refused to pay"])
        #expect(done.code == 0, "\(done.err)")
        #expect(try sandbox.run("rapportctl", ["explain", "A-1"]).out.contains("R12"))
        #expect(
            try sandbox.run("rapportctl", ["inbox", "done", "2", "--action", "reply"]).code == 65,
            "unknown sender: only none")
        #expect(try sandbox.run("rapportctl", ["inbox", "done", "3", "--action", "none"]).code == 65, "already done")
        #expect(try sandbox.run("rapportctl", ["inbox", "ls"]).out.split(separator: "\n").count == 2)
    }

    @Test(
        "A file in in/ that is not an inbound message goes to in/bad/ with a .why; nothing is dropped",
        arguments: StoreKind.allCases)
    func badFile(store: StoreKind) async throws {
        let sandbox = try prepared(on: store, [Self.agreement("A-1")])
        try Self.dropIn(sandbox, "{not json", name: "20261201T000000Z_sms_bad.json")
        try Self.dropIn(
            sandbox, Self.message(["channel": "sms", "text": "STOP"]), name: "20261201T000000Z_sms_nofrom.json")
        let tick = try sandbox.run("rapportd", ["--once"])
        #expect(tick.code == 0)
        #expect(tick.err.contains("2 file(s) were not inbound messages"))
        let bad = try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.spool)/in/bad").sorted()
        #expect(
            bad == [
                "20261201T000000Z_sms_bad.json", "20261201T000000Z_sms_bad.json.why",
                "20261201T000000Z_sms_nofrom.json",
                "20261201T000000Z_sms_nofrom.json.why",
            ])
        let why = try String(
            contentsOfFile: "\(sandbox.spool)/in/bad/20261201T000000Z_sms_nofrom.json.why", encoding: .utf8)
        #expect(why.contains("from is missing"))
    }

    @Test(
        """
        Kill test: rapportd killed after recording inbound messages and before moving their files applies each \
        exactly once
        """, arguments: StoreKind.allCases)
    func killDuringIngestion(store: StoreKind) async throws {
        let sandbox = try prepared(on: store, (1...6).map { Self.agreement("A-\($0)", sms: "+1214555010\($0)") })
        for index in 1...6 {
            let text = index % 2 == 0 ? "STOP" : "Can I pay on Friday?"
            try Self.dropIn(
                sandbox, Self.message(["channel": "sms", "from": "+1214555010\(index)", "text": text]),
                name: "2026120\(index)T000000Z_sms_m\(index).json")
        }
        for arrival in [2, 3] {
            let killed = try sandbox.start(
                "rapportd", ["--once"], environment: ["RAPPORT_FAULT": "inbound-recorded:\(arrival):kill"])
            _ = (killed.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile()
            killed.waitUntilExit()
            #expect(killed.terminationReason == .uncaughtSignal && killed.terminationStatus == SIGKILL)
        }
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        #expect(try sandbox.jobs(in: "in").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.spool)/in/done").count == 6)
        let inbound = try sandbox.integer("SELECT count(*) FROM inbound")
        let events = try sandbox.integer("SELECT count(*) FROM event WHERE type IN ('opt_out', 'reply')")
        let inbox = try sandbox.integer("SELECT count(*) FROM inbox")
        #expect(inbound == 6 && events == 6 && inbox == 3, "each message applied once: \(inbound) \(events) \(inbox)")
        try SpoolAudit(sandbox: sandbox).problems(finished: true).forEach { Issue.record("\($0)") }
    }

    @Test("simulate applies inbound lines from --events when the clock reaches them")
    func simulateWhatIf() async throws {
        let sandbox = try prepared([Self.agreement("A-1")])
        let stop = Self.message([
            "channel": "sms", "from": "+12145550100", "text": "STOP", "received_at": Self.now(days: 1),
        ])
        let events = try sandbox.file("what-if.jsonl", stop)
        let result = try sandbox.run(
            "rapportctl", ["simulate", "--from", Self.now(), "--until", Self.now(days: 30), "--events", events])
        #expect(result.code == 0, "\(result.err)")
        let texts = result.out.split(separator: "\n").filter { $0.contains(#""channel":"sms""#) }
        let after = texts.filter { line in
            guard let range = line.range(of: #""not_before":""#) else { return false }
            return String(line[range.upperBound...].prefix(20)) > Self.now(days: 1)
        }
        #expect(after.allSatisfy { $0.contains("opt_out_confirmation") }, "\(after)")
        #expect(
            texts.filter { $0.contains("opt_out_confirmation") }.count == 1, "the STOP is confirmed once: \(texts)")
        #expect(texts.count > after.count + 1, "texts went before the STOP")
        #expect(try sandbox.jobs(in: "withdrawn").isEmpty, "the live spool is untouched")
    }

    static func now(days: Double = 0) -> String {
        ISO8601DateFormatter().string(from: Date().addingTimeInterval(days * 86_400))
    }
}

extension ListeningTests {
    @Test("The example webhook bridge turns a gateway's STOP into an inbound file that the next tick applies")
    func webhookExample() async throws {
        let sandbox = try prepared([Self.agreement("A-1")])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Sandbox.repository.appendingPathComponent("examples/sms-webhook-to-inbound.py").path,
            sandbox.spool,
        ]
        process.standardInput = try FileHandle(
            forReadingFrom: Sandbox.repository.appendingPathComponent("examples/twilio-inbound-webhook.txt"))
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try sandbox.jobs(in: "in").count == 1)
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        #expect(try sandbox.jobs(in: "withdrawn").count == 1)
        #expect(try sandbox.run("rapportctl", ["explain", "A-1"]).out.contains("sms (opted out)"))
    }
}
