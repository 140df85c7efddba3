import Foundation
import RapportSpool
import RapportTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `rapport-sms` for real: the built binary, the spool rapportd wrote, and a real Kannel whose
/// carrier is `fakesmsc` (set up by `scripts/kannel-test-setup`, which `.ci/run` runs).
///
/// Without Kannel a developer's `swift test` skips the test and says how to enable it; under CI
/// (`CI=true`) a Kannel that is not there fails it, with the reason.
@Suite("rapport-sms through a real Kannel", .serialized)
struct RapportSMSTests {
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let enableHint = "Kannel is not installed here; run `sudo scripts/kannel-test-setup` to enable this test"
    static let shortCode = "12345"

    /// The sandbox's SMS jobs in `folder`, by id.
    static func smsJobs(_ sandbox: Sandbox, in folder: String) throws -> [String: [String: Any]] {
        var jobs: [String: [String: Any]] = [:]
        for name in try sandbox.jobs(in: folder) where name.contains("_sms_") {
            let job = try sandbox.job(name, in: folder)
            jobs[job["id"] as? String ?? name] = job
        }
        return jobs
    }

    /// Waits until every SMS job in `new/` may be sent.
    static func waitUntilDue(_ sandbox: Sandbox) throws {
        let names = try sandbox.jobs().filter { $0.contains("_sms_") }
        if let latest = names.compactMap(Spool.notBefore(ofFileName:)).max(), latest.timeIntervalSinceNow > 0 {
            usleep(UInt32((latest.timeIntervalSinceNow + 1) * 1_000_000))
        }
    }

    /// The text a debtor's phone shows for `to`: the parts the carrier got, in order, decoded.
    static func textReceived(by to: String, unicode: Bool, from messages: [CarrierMessage]) -> (String, Int) {
        let parts = messages.filter { $0.to == to }.sorted { ($0.part?.sequence ?? 0) < ($1.part?.sequence ?? 0) }
        let bytes = parts.flatMap(\.bytes)
        guard unicode else { return (String(decoding: bytes, as: UTF8.self), parts.count) }
        var units: [UInt16] = []
        var index = 0
        while index + 1 < bytes.count {
            units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
            index += 2
        }
        return (String(decoding: units, as: UTF16.self), parts.count)
    }

    static func inbound(_ sandbox: Sandbox) throws -> [[String: Any]] {
        try sandbox.jobs(in: "in").map { try sandbox.job($0, in: "in") }
    }

    @Test(
        """
        A tick's texts reach a real Kannel's carrier with the right text and coding (GSM-7, UCS-2, a long text in \
        parts); STOP and a reply from the carrier come back in; reports become outcomes; smsbox down loses nothing; \
        a forged callback is refused
        """,
        .enabled(if: KannelGateway.problem == nil || isCI, Comment(rawValue: enableHint)), .timeLimit(.minutes(5)))
    func throughKannel() async throws {
        if let problem = KannelGateway.problem {
            Issue.record("Kannel could not be used under CI: \(problem) (scripts/kannel-test-setup installs it)")
            return
        }
        let folder = try TemporaryFolder("kannel")
        let listenPort = try KannelGateway.freePort()
        let secret = "callbacks-\(UUID().uuidString)"
        let gateway = try KannelGateway(folder: folder.url, listenPort: listenPort, secret: secret)
        defer { gateway.stop() }
        try gateway.password.write(to: folder.appending("sms-password"), atomically: false, encoding: .utf8)
        try secret.write(to: folder.appending("sms-secret"), atomically: false, encoding: .utf8)
        try gateway.start()
        try gateway.connectCarrier()

        let sandbox = try Sandbox(
            extraConfig: """
                [sms]
                provider = "kannel"
                url = "\(gateway.sendsmsURL)"
                username = "rapport"
                password_file = "\(folder.appending("sms-password").path)"
                from = "\(Self.shortCode)"
                listen = "127.0.0.1:\(listenPort)"
                secret_file = "\(folder.appending("sms-secret").path)"
                dlr_mask = 19
                rate_per_second = 20
                [metrics]
                textfile = "metrics/rapportd.prom"
                [cadence]
                spread_minutes = 1
                """)
        try FileManager.default.createDirectory(
            at: sandbox.folder.appending("metrics"), withIntermediateDirectories: true)
        // English (GSM-7), Spanish (UCS-2: a long text in parts), and a number the gateway
        // will not route (its own words, then its report of failure).
        let lines = [
            ListeningTests.agreement("A-1", sms: "+12145550101"),
            Sandbox.agreementLine("A-2", zone: ListeningTests.daytime, dueInDays: 2, locale: "es")
                .replacingOccurrences(of: "+12145550100", with: "+12145550102"),
            ListeningTests.agreement("A-3", sms: "+19995550103"),
        ]
        #expect(try sandbox.importAgreements(lines).code == 0)
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let jobs = try Self.smsJobs(sandbox, in: "new")
        #expect(jobs.count == 3, "one text per agreement: \(jobs.keys)")
        try Self.waitUntilDue(sandbox)

        let service = try sandbox.start("rapport-sms", ["--interval", "1"])
        defer { if service.isRunning { kill(service.processIdentifier, SIGKILL) } }
        #expect(
            KannelGateway.eventually(60) {
                (try? sandbox.jobs(in: "done").count + sandbox.jobs(in: "failed").count) == 3
            }, "every text handed to Kannel")
        let delivered = try Self.smsJobs(sandbox, in: "done")
        #expect(Set(delivered.compactMap { $0.value["to"] as? String }) == ["+12145550101", "+12145550102"])
        #expect(
            KannelGateway.eventually(20) {
                let received = gateway.received()
                return delivered.values.allSatisfy { job in
                    received.filter { $0.to == job["to"] as? String }.count == job["segments"] as? Int
                }
            }, "every part of every text at the carrier")
        let received = gateway.received()
        var sawParts = false
        for job in delivered.values {
            let unicode = job["encoding"] as? String == "ucs2"
            let (text, parts) = Self.textReceived(by: job["to"] as? String ?? "", unicode: unicode, from: received)
            #expect(text == job["body"] as? String, "the carrier got the job's text")
            #expect(parts == job["segments"] as? Int)
            #expect(received.filter { $0.to == job["to"] as? String }.allSatisfy { $0.from == Self.shortCode })
            if parts > 1 { sawParts = true }
            if (job["locale"] as? String) == "es" { #expect(unicode, "Spanish with ¿ and accents is UCS-2") }
            if (job["locale"] as? String) == "en" {
                #expect(!unicode && received.contains { $0.to == job["to"] as? String && $0.type == "text" })
            }
        }
        #expect(sawParts, "a long text goes out in parts")
        let refused = try Self.smsJobs(sandbox, in: "failed")
        let refusedName = try #require(try sandbox.jobs(in: "failed").first { $0.contains("_sms_") })
        let outcome = try sandbox.job(
            refusedName.replacingOccurrences(of: ".json", with: ".result.json"), in: "failed")
        #expect(refused.values.first?["to"] as? String == "+19995550103")
        #expect((outcome["detail"] as? String)?.contains("Not routable") == true, "Kannel's words: \(outcome)")
        // Kannel's report of that failure comes back as the job's bounce (R35).
        #expect(
            KannelGateway.eventually(20) {
                (try? Self.inbound(sandbox))?.contains {
                    $0["kind"] as? String == "bounce" && $0["recipient"] as? String == "+19995550103"
                } == true
            }, "the failure report is in in/")

        // The debtors answer through the carrier: STOP, and a question for a person.
        try gateway.textFrom("+12145550101", to: Self.shortCode, "STOP") {
            try Self.inbound(sandbox).contains { $0["text"] as? String == "STOP" }
        }
        try gateway.textFrom("+12145550102", to: Self.shortCode, "Can I pay on Friday instead?") {
            try Self.inbound(sandbox).contains { $0["text"] as? String == "Can I pay on Friday instead?" }
        }
        let stop = try #require(try Self.inbound(sandbox).first { $0["text"] as? String == "STOP" })
        #expect(stop["from"] as? String == "+12145550101" && stop["to"] as? String == Self.shortCode)
        #expect((stop["provider_id"] as? String)?.hasPrefix("kannel:") == true)

        // A forged callback, without the secret: refused, nothing written.
        let before = try sandbox.jobs(in: "in").count
        var forged = URLRequest(
            url: try #require(URL(string: "http://127.0.0.1:\(listenPort)/kannel/mo?from=%2B12145550102&text=START")))
        forged.httpMethod = "GET"
        let (_, forgedResponse) = try await URLSession.shared.data(for: forged)
        #expect((forgedResponse as? HTTPURLResponse)?.statusCode == 403)
        #expect(try sandbox.jobs(in: "in").count == before)

        // The next tick applies them: the STOP opts the number out and is confirmed once (R31);
        // the question waits in the inbox (R34).
        gateway.stopSMSBox()
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let stopped = try sandbox.run("rapportctl", ["explain", "A-1"]).out
        #expect(stopped.contains("sms (opted out)"), "\(stopped)")
        let inbox = try sandbox.run("rapportctl", ["inbox", "ls", "--json"]).out
        #expect(inbox.contains("Can I pay on Friday instead?"), "\(inbox)")
        // What the tick planned for the gateway (the confirmation at least) may be claimed at
        // once by the running rapport-sms: it is in new/ or cur/.
        let pending = try Self.smsJobs(sandbox, in: "new").merging(Self.smsJobs(sandbox, in: "cur")) { $1 }
        #expect(
            pending.values.filter { $0["to"] as? String == "+12145550101" }.map { $0["kind"] as? String }
                == ["opt_out_confirmation"])

        // smsbox is down: each is tried, handed back, and still waits in new/.
        try Self.waitUntilDue(sandbox)
        let metricsFile = sandbox.folder.appending("metrics/rapport-sms.prom")
        #expect(
            KannelGateway.eventually(40) {
                let metrics = (try? String(contentsOf: metricsFile, encoding: .utf8)) ?? ""
                return metrics.contains("rapport_sms_temporary_total")
                    && !metrics.contains("rapport_sms_temporary_total 0")
            }, "the gateway found unreachable")
        #expect(KannelGateway.eventually(20) { (try? sandbox.jobs(in: "cur").isEmpty) == true }, "nothing left claimed")
        #expect(Set(try Self.smsJobs(sandbox, in: "new").keys) == Set(pending.keys), "nothing lost while it is down")
        #expect(try Self.smsJobs(sandbox, in: "failed").count == 1, "nothing failed for a gateway that is down")
        // smsbox is back: the next round sends them.
        try gateway.startSMSBox()
        #expect(
            KannelGateway.eventually(40) { (try? Self.smsJobs(sandbox, in: "done").count) == 2 + pending.count },
            "sent once the gateway is back")

        kill(service.processIdentifier, SIGTERM)
        service.waitUntilExit()
        let log = String(
            decoding: (service.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(),
            as: UTF8.self)
        #expect(service.terminationStatus == 0, "\(log)")
        #expect(log.contains("sent 2, refused 1"), "\(log)")
        #expect(log.contains("the provider was unreachable or busy"), "\(log)")
        for secretWord in ["+1214555", "STOP", "Friday", gateway.password, secret] {
            #expect(!log.contains(secretWord), "no number, text or secret in the log: \(secretWord)")
        }
        let metrics = try String(
            contentsOf: sandbox.folder.appending("metrics/rapport-sms.prom"), encoding: .utf8)
        #expect(metrics.contains("rapport_sms_sent_total \(2 + pending.count)"), "\(metrics)")
        #expect(metrics.contains("rapport_sms_refused_total 1"))
        #expect(metrics.contains("rapport_sms_callbacks_refused_total 1"))
        #expect(metrics.contains(#"rapport_sms_callbacks_total{kind="reply"} 2"#))
        #expect(!metrics.contains(#"rapport_sms_callbacks_total{kind="delivered"} 0"#), "Kannel's reports counted")
    }

    /// A provider that cannot be reached (port 1 on loopback: the connection is refused).
    static func unreachableSandbox(store: StoreKind) throws -> (Sandbox, TemporaryFolder) {
        let secrets = try TemporaryFolder("sms-secret")
        try "s".write(to: secrets.appending("secret"), atomically: false, encoding: .utf8)
        let sandbox = try Sandbox(
            store: store,
            extraConfig: """
                [sms]
                url = "http://127.0.0.1:1/cgi-bin/sendsms"
                from = "\(shortCode)"
                listen = "127.0.0.1:\(try KannelGateway.freePort())"
                secret_file = "\(secrets.appending("secret").path)"
                [cadence]
                spread_minutes = 1
                """)
        return (sandbox, secrets)
    }

    @Test(
        """
        R18: a text handed back unsent (the provider unreachable) is waiting again in the records: a cease \
        recorded meanwhile withdraws it, and it is never sent
        """,
        arguments: StoreKind.allCases)
    func handedBack(store: StoreKind) async throws {
        let (sandbox, secrets) = try Self.unreachableSandbox(store: store)
        #expect(try sandbox.importAgreements([ListeningTests.agreement("A-1")]).code == 0)
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        try Self.waitUntilDue(sandbox)
        let job = try #require(try Self.smsJobs(sandbox, in: "new").keys.first)
        // While rapport-sms waits on the provider the job is claimed, and a tick records that.
        let tool = try sandbox.start("rapport-sms", ["--once", "--linger", "0"])
        #expect(KannelGateway.eventually(10) { (try? sandbox.jobs(in: "cur").isEmpty) == false })
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        #expect(try sandbox.pairs("SELECT id, state FROM job").contains { $0 == (job, "claimed") })
        tool.waitUntilExit()
        #expect(tool.terminationStatus == 0)
        #expect(try Self.smsJobs(sandbox, in: "new").keys.contains(job), "handed back into new/")
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        #expect(try sandbox.pairs("SELECT id, state FROM job").contains { $0 == (job, "spooled") })
        #expect(try sandbox.run("rapportctl", ["record", "A-1", "cease"]).code == 0)
        #expect(try Self.smsJobs(sandbox, in: "new").isEmpty, "withdrawn: the debtor asked to stop")
        #expect(try Self.smsJobs(sandbox, in: "withdrawn").keys.contains(job))
        #expect(try sandbox.pairs("SELECT id, state FROM job").contains { $0 == (job, "withdrawn") })
        _ = secrets
    }
}
