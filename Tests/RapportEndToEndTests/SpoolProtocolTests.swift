import Foundation
import RapportCore
import RapportSpool
import RapportTestSupport
import Testing

/// The spool as delivery tools and operators use it, through the built rapportctl.
@Suite("Spool protocol end to end", .serialized)
struct SpoolProtocolEndToEndTests {
    /// Writes `count` ready jobs (their not_before just past) straight into the sandbox's spool.
    func readyJobs(
        _ sandbox: Sandbox, count: Int, channel: Channel = .sms, prefix: String = "k", notAfterMinutes: Double = 60
    ) throws -> [Job] {
        let spool = Spool(root: sandbox.spool)
        try spool.prepare()
        let now = Date()
        return try (0..<count).map { index in
            let notBefore = now.addingTimeInterval(-Double(60 * (count - index)))
            let contact = PlannedContact(
                jobID: JobID("j-" + StableHash.hex("\(prefix)\(index)"))!,
                touchpoint: TouchpointKey(rawValue: "\(prefix)\(index)"), kind: .preDue,
                channel: channel, to: "+12145550100",
                agreement: Identifier("A-\(index)")!, agreements: [Identifier("A-\(index)")!],
                debtor: Debtor(id: Identifier("D-\(index)")!, name: "Sam"),
                timezone: "America/Chicago", notBefore: notBefore,
                notAfter: now.addingTimeInterval(notAfterMinutes * 60), localTime: "x",
                reason: "r", installment: nil, statement: nil, paymentAmount: nil, currency: "USD")
            let job = Job(
                contact: contact, locale: "en", subject: nil, body: "Hi \"Sam\", pay soon. Reply STOP to opt out.",
                createdAt: now)
            try spool.write(job)
            return job
        }
    }

    @Test(
        "Several processes claiming the same spool at once: each job is claimed exactly once",
        arguments: StoreKind.allCases)
    func concurrentClaims(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let jobs = try readyJobs(sandbox, count: 120)
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<6 {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let result = try sandbox.run(
                            "rapportctl", ["spool", "claim", "--spool", sandbox.spool], withConfig: false)
                        guard result.code == 0 else { throw CocoaError(.fileReadUnknown) }
                        let path = result.out.trimmingCharacters(in: .whitespacesAndNewlines)
                        if path.isEmpty { return mine }
                        mine.append(path)
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(claimed.count == jobs.count)
        #expect(Set(claimed).count == claimed.count, "a job was claimed twice")
        #expect(try sandbox.jobs(in: "cur").count == jobs.count)
        #expect(try sandbox.jobs().isEmpty)
    }

    @Test(
        "The reference delivery tool in examples/ claims SMS jobs, delivers them to a file and acks",
        arguments: StoreKind.allCases)
    func referenceTool(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let sms = try readyJobs(sandbox, count: 5)
        _ = try readyJobs(sandbox, count: 3, channel: .email, prefix: "e")
        _ = try readyJobs(sandbox, count: 1, prefix: "late", notAfterMinutes: -1)
        let outbox = sandbox.root.appendingPathComponent("outbox.jsonl").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            Sandbox.repository.appendingPathComponent("examples/deliver-sms.sh").path, outbox, "--spool", sandbox.spool,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "RAPPORTCTL": Sandbox.products.appendingPathComponent("rapportctl").path
        ]) { $1 }
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = try String(contentsOfFile: outbox, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == sms.count)
        let delivered = try lines.map { try Job.decode(Data($0.utf8)).id }
        #expect(Set(delivered) == Set(sms.map(\.id)))
        #expect(try sandbox.jobs(in: "done").count == sms.count)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.spool)/done").filter {
                $0.hasSuffix(".result.json")
            }.count == sms.count)
        #expect(try sandbox.jobs(in: "failed").count == 1, "the job past its not_after is not sent")
        #expect(try sandbox.jobs().count == 3, "e-mail jobs stay for the mailer")
    }

    @Test(
        "claim prints nothing and exits 0 when no job is ready; ack refuses a job that is not claimed",
        arguments: StoreKind.allCases)
    func emptyAndUnclaimed(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let jobs = try readyJobs(sandbox, count: 1)
        let ack = try sandbox.run(
            "rapportctl", ["spool", "ack", jobs[0].id.rawValue, "--status", "delivered", "--spool", sandbox.spool],
            withConfig: false)
        #expect(ack.code == 65)
        #expect(ack.err.contains("waits in new/: a delivery tool claims it first"))
        let claim = try sandbox.run(
            "rapportctl", ["spool", "claim", "--channel", "email", "--spool", sandbox.spool], withConfig: false)
        #expect(claim.code == 0)
        #expect(claim.out.isEmpty)
        let claimed = try sandbox.run("rapportctl", ["spool", "claim"])
        #expect(claimed.out.hasSuffix("\(jobs[0].fileName)\n"))
        let byPath = try sandbox.run(
            "rapportctl",
            [
                "spool", "ack", claimed.out.trimmingCharacters(in: .newlines), "--status", "failed", "--detail",
                "bounced",
            ])
        #expect(byPath.code == 0, "\(byPath.err)")
        #expect(try sandbox.jobs(in: "failed") == [jobs[0].fileName])
        #expect(try sandbox.run("rapportctl", ["spool", "ack", jobs[0].id.rawValue, "--status", "maybe"]).code == 64)
    }

    @Test(
        "Operators hold, release and withdraw jobs like a mail queue; stats counts them", arguments: StoreKind.allCases)
    func operatorQueue(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let lines = (0..<3).map { Sandbox.agreementLine("A-\($0)", zone: "Asia/Tokyo", dueInDays: 2) }.joined(
            separator: "\n")
        try sandbox.run("rapportctl", ["import", "agreements", try sandbox.file("a.jsonl", lines)])
        try sandbox.run("rapportd", ["--once"])
        let jobs = try sandbox.jobs()
        try #require(jobs.count == 3)
        let agreement = try #require(try sandbox.job(jobs[0])["agreement"] as? String)

        let hold = try sandbox.run(
            "rapportctl", ["spool", "hold", "--agreement", agreement, "--reason", "checking the address"])
        #expect(hold.code == 0, "\(hold.err)")
        #expect(try sandbox.jobs(in: "hold") == [jobs[0]])
        #expect(try sandbox.run("rapportctl", ["spool", "ls", "--state", "hold"]).out.contains(agreement))
        try sandbox.run("rapportd", ["--once"])
        #expect(try sandbox.jobs().count == 2, "a held job is not planned again")

        #expect(try sandbox.run("rapportctl", ["spool", "release", jobs[0]]).code == 0)
        #expect(try sandbox.jobs().count == 3)

        let id = try #require(try sandbox.job(jobs[1])["id"] as? String)
        let withdraw = try sandbox.run("rapportctl", ["spool", "withdraw", id, "--reason", "sent by hand"])
        #expect(withdraw.out.contains("withdrawn: \(jobs[1])"))
        try sandbox.run("rapportd", ["--once"])
        #expect(try sandbox.jobs().count == 2, "an operator's withdrawal is not planned again")
        #expect(
            try sandbox.run("rapportctl", ["spool", "show", id]).out.contains("withdrawn by operator: sent by hand"))

        let stats = try sandbox.run("rapportctl", ["spool", "stats"])
        #expect(stats.code == 0)
        #expect(stats.out.contains("new "))
        let json = try sandbox.run("rapportctl", ["spool", "stats", "--json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        let folders = decoded?["folders"] as? [[String: Any]]
        #expect(folders?.first { $0["name"] as? String == "new" }?["total"] as? Int == 2)
        #expect(folders?.first { $0["name"] as? String == "withdrawn" }?["total"] as? Int == 1)
    }
}

/// Permissions the contract fixes, with the group from the config.
@Suite("Spool permissions")
struct SpoolPermissionTests {
    @Test(
        "Folders 2770 where delivery tools write, else 0750; files 0640; all owned by the configured group",
        arguments: StoreKind.allCases)
    func group(store: StoreKind) async throws {
        // As root any group will do; otherwise only a group of our own can be given away to.
        let name = geteuid() == 0 ? "nogroup" : String(cString: getgrgid(getegid())!.pointee.gr_name)
        let gid = try #require(getgrnam(name)).pointee.gr_gid
        let sandbox = try Sandbox(store: store, extraConfig: "")
        let config = try String(contentsOfFile: sandbox.config, encoding: .utf8)
            .replacingOccurrences(of: "spool = \"spool\"", with: "spool = \"spool\"\nspool_group = \"\(name)\"")
        try config.write(toFile: sandbox.config, atomically: false, encoding: .utf8)
        try sandbox.run(
            "rapportctl",
            [
                "import", "agreements",
                try sandbox.file("a.jsonl", Sandbox.agreementLine("A-1", zone: "Asia/Tokyo", dueInDays: 2)),
            ])
        let tick = try sandbox.run("rapportd", ["--once"])
        #expect(tick.code == 0, "\(tick.err)")
        let shared = ["/new", "/cur", "/done", "/failed", "/in", "/in/tmp"]
        for folder in [
            "", "/tmp", "/new", "/hold", "/cur", "/done", "/failed", "/expired", "/withdrawn", "/in", "/in/tmp",
            "/in/done", "/in/bad",
        ] {
            let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.spool + folder)
            #expect(
                (attributes[.posixPermissions] as? NSNumber)?.intValue == (shared.contains(folder) ? 0o2770 : 0o750),
                "\(folder)")
            #expect((attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value == gid, "\(folder)")
        }
        for job in try sandbox.jobs() {
            let attributes = try FileManager.default.attributesOfItem(atPath: "\(sandbox.spool)/new/\(job)")
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o640)
            #expect((attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value == gid)
        }
        let unknown = try String(contentsOfFile: sandbox.config, encoding: .utf8).replacingOccurrences(
            of: name, with: "no-such-group-here")
        try unknown.write(toFile: sandbox.config, atomically: false, encoding: .utf8)
        let bad = try sandbox.run("rapportd", ["--once"])
        #expect(bad.code == 78)
        #expect(bad.err.contains("spool_group \"no-such-group-here\" is not a group"))
    }
}

/// R15 end to end: review/ is invisible to delivery tools until a person approves.
@Suite("Review queue", .serialized)
struct ReviewQueueTests {
    @Test(
        "R15: a vulnerable debtor's message waits in review/; release approves it into new/, withdraw refuses it",
        arguments: StoreKind.allCases)
    func review(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let lines = (0..<2).map { Sandbox.agreementLine("A-\($0)", zone: "Asia/Tokyo", dueInDays: 2) }.joined(
            separator: "\n")
        try sandbox.run("rapportctl", ["import", "agreements", try sandbox.file("a.jsonl", lines)])
        #expect(try sandbox.run("rapportctl", ["record", "A-0", "vulnerable"]).code == 0)
        #expect(try sandbox.run("rapportctl", ["record", "A-1", "vulnerable"]).code == 0)
        try sandbox.run("rapportd", ["--once"])
        let waiting = try sandbox.jobs(in: "review")
        #expect(waiting.count == 2)
        #expect(try sandbox.jobs().isEmpty, "nothing reaches new/ without a person")
        #expect(try sandbox.run("rapportctl", ["spool", "claim"]).out.isEmpty)
        #expect(
            try sandbox.run("rapportctl", ["spool", "ls", "--state", "review"]).out.contains("2 job(s) in review/"))

        let approve = try sandbox.run("rapportctl", ["spool", "release", waiting[0]])
        #expect(approve.code == 0, "\(approve.err)")
        #expect(try sandbox.jobs() == [waiting[0]])
        let refuse = try sandbox.run("rapportctl", ["spool", "withdraw", waiting[1], "--reason", "not now"])
        #expect(refuse.out.contains("withdrawn: "))
        #expect(try sandbox.jobs(in: "withdrawn") == [waiting[1]])
        let id = try #require(try sandbox.job(waiting[0])["id"] as? String)
        #expect(try sandbox.run("rapportctl", ["spool", "show", id]).out.contains("approved in review by operator"))
    }
}
