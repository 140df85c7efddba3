import Foundation
import RapportCore
import RapportTestSupport
import Testing

/// The programs as an operator and a delivery tool see them.
@Suite("End to end", .serialized)
struct EndToEndTests {
    static let zones = [
        "Pacific/Kiritimati", "Pacific/Auckland", "Pacific/Chatham", "Australia/Lord_Howe", "Australia/Sydney",
        "Asia/Tokyo",
        "Asia/Shanghai", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Dubai", "Europe/Moscow", "Africa/Nairobi",
        "Europe/Berlin",
        "Europe/London", "Atlantic/Azores", "America/Sao_Paulo", "America/St_Johns", "America/New_York",
        "America/Chicago",
        "America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu",
        "Pacific/Pago_Pago",
    ]
    static let contractFields: Set<String> = [
        "version", "id", "agreement", "agreements", "debtor", "kind", "channel", "to", "locale", "timezone",
        "not_before",
        "not_after", "local_time", "subject", "body", "reason", "created_at",
    ]

    @Test(
        """
        import → rapportd --once → valid job files in new/ → a second --once writes no duplicate → explain \
        prints the reason
        """, arguments: StoreKind.allCases)
    func aroundTheGlobe(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let lines = Self.zones.enumerated().map { index, zone in
            Sandbox.agreementLine("A-\(index)", zone: zone, dueInDays: 2, locale: index % 3 == 0 ? "es" : "en")
        }
        let agreements = try sandbox.file("agreements.jsonl", lines.joined(separator: "\n") + "\n")
        let imported = try sandbox.run("rapportctl", ["import", "agreements", agreements])
        #expect(imported.code == 0, "\(imported.err)")
        #expect(imported.out.contains("\(Self.zones.count) imported, 0 updated, 0 unchanged, 0 rejected"))

        let first = try sandbox.run("rapportd", ["--once"])
        #expect(first.code == 0, "\(first.err)")
        let jobs = try sandbox.jobs()
        #expect(jobs.count >= Self.zones.count * 3 / 4, "only \(jobs.count) jobs for \(Self.zones.count) zones")
        let pattern = try Regex(#"^\d{8}T\d{6}Z_(sms|email|voice|letter)_j-[0-9a-f]{32}\.json$"#)
        var agreementsWithJobs: Set<String> = []
        for name in jobs {
            #expect(name.wholeMatch(of: pattern) != nil, "\(name)")
            let mode =
                (try FileManager.default.attributesOfItem(atPath: "\(sandbox.spool)/new/\(name)")[.posixPermissions]
                as? NSNumber)?.intValue
            #expect(mode == 0o640, "\(name)")
            let job = try sandbox.job(name)
            #expect(
                Self.contractFields.isSubset(of: Set(job.keys)),
                "missing \(Self.contractFields.subtracting(job.keys)) in \(name)")
            #expect(job["subject"] is NSNull, "an SMS has a null subject")
            #expect(name.contains(job["id"] as? String ?? "?"))
            let zone = try #require(job["timezone"] as? String)
            let clock = try #require(ZoneClock(identifier: zone))
            let notBefore = try #require(Timestamp.parse(job["not_before"] as? String ?? ""))
            let notAfter = try #require(Timestamp.parse(job["not_after"] as? String ?? ""))
            #expect(name.hasPrefix(Timestamp.compact(notBefore)))
            #expect(
                clock.localTime(of: notBefore).minutes >= 9 * 60 && clock.localTime(of: notAfter).minutes <= 20 * 60,
                "R1 in \(zone)")
            let optOut = (job["locale"] as? String) == "es" ? "BAJA" : "STOP"
            #expect((job["body"] as? String)?.contains(optOut) == true, "R19")
            #expect((job["reason"] as? String)?.isEmpty == false)
            #expect((job["local_time"] as? String).flatMap(Timestamp.parse) == notBefore)
            agreementsWithJobs.insert(job["agreement"] as? String ?? "")
        }
        #expect(agreementsWithJobs.count == jobs.count, "one job per agreement")

        let second = try sandbox.run("rapportd", ["--once"])
        #expect(second.code == 0)
        let again = try sandbox.jobs()
        #expect(Set(again).isSuperset(of: jobs))
        #expect(
            Set(try again.map { try sandbox.job($0)["agreement"] as? String ?? "" }).count == again.count,
            "no agreement got a second job")

        let agreement = try #require(agreementsWithJobs.sorted().first)
        let explain = try sandbox.run("rapportctl", ["explain", agreement])
        #expect(explain.code == 0, "\(explain.err)")
        #expect(explain.out.contains("pre_due for installment 1"))
        #expect(explain.out.contains("decision at"))
        #expect(explain.out.contains("spooled"))
    }

    @Test(
        "Bad import lines give their line number and exit 65; good lines still import; --strict imports nothing",
        arguments: StoreKind.allCases)
    func badLines(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let good = Sandbox.agreementLine("A-1", zone: "America/Chicago", dueInDays: 5)
        let text = [
            good, #"{"id":"A-2","debtor":{"name":"x"}"#, "",
            #"{"id":"A-3","debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"installments":[{"due":"2026-02-30","#
                + #""amount":"5"}]}"#,
            good,
        ].joined(separator: "\n")
        let file = try sandbox.file("bad.jsonl", text)
        let strict = try sandbox.run("rapportctl", ["import", "agreements", file, "--strict"])
        #expect(strict.code == 65)
        #expect(strict.out.contains("0 imported") && strict.out.contains("nothing imported"))
        #expect(try sandbox.run("rapportctl", ["status"]).out.contains("agreements: 0"))

        let lenient = try sandbox.run("rapportctl", ["import", "agreements", file])
        #expect(lenient.code == 65)
        #expect(lenient.err.contains("bad.jsonl:2: not valid JSON"))
        #expect(lenient.err.contains("bad.jsonl:4: installments[0].due \"2026-02-30\" is not a real date"))
        #expect(lenient.err.contains("bad.jsonl:5: id A-1 already appears on line 1"))
        #expect(lenient.out.contains("1 imported, 0 updated, 0 unchanged, 3 rejected"))

        let stdin = try sandbox.run("rapportctl", ["import", "agreements", "-"], stdin: good + "\n")
        #expect(stdin.code == 0)
        #expect(stdin.out.contains("0 imported, 0 updated, 1 unchanged"))

        let missing = try sandbox.run("rapportctl", ["import", "agreements", "/nonexistent.jsonl"])
        #expect(missing.code == 66)
        #expect(missing.err == "rapportctl: /nonexistent.jsonl: no such file\n")

        let events = try sandbox.file(
            "events.jsonl", #"{"agreement":"A-9","type":"cease","at":"2026-12-01T15:00:00Z"}"# + "\n")
        let unknown = try sandbox.run("rapportctl", ["import", "events", events])
        #expect(unknown.code == 65)
        #expect(unknown.err.contains("events.jsonl:1: agreement A-9 is not known"))
    }

    @Test(
        """
        A bad config key, a missing database folder and a bad argument each give one clear line and the contract's code
        """
    )
    func operatorErrors() async throws {
        let broken = try Sandbox(extraConfig: "[pacing]\nmax_per_wek = 2\n")
        let config = try broken.run("rapportd", ["--once"])
        #expect(config.code == 78)
        #expect(config.err.split(separator: "\n").count == 1)
        #expect(config.err.contains("rapport.toml: [pacing] max_per_wek is not a known key"))
        #expect(try broken.run("rapportctl", ["check-config"]).code == 78)

        let sandbox = try Sandbox()
        let folder = try sandbox.run("rapportd", ["--once", "--database", "/nonexistent-folder/rapport.sqlite"])
        #expect(folder.code == 74)
        #expect(
            folder.err
                == "rapportd: database folder /nonexistent-folder does not exist; create it or set [storage] database "
                + "/ --database\n"
        )

        let noConfig = try sandbox.run(
            "rapportd", ["--once", "--config", "/nonexistent/rapport.toml"], withConfig: false)
        #expect(noConfig.code == 78)
        #expect(noConfig.err.contains("/nonexistent/rapport.toml"))

        #expect(try sandbox.run("rapportctl", ["frobnicate"]).code == 64)
        #expect(try sandbox.run("rapportctl", ["record", "A-1", "teleport"]).code == 64)
        #expect(try sandbox.run("rapportctl", ["explain", "../etc"]).code == 64)
        let checked = try sandbox.run("rapportctl", ["check-config"])
        #expect(checked.code == 0)
        #expect(checked.out.contains("templates OK"))
    }

    @Test(
        "R18: a pause, cease or payment recorded through rapportctl withdraws waiting jobs at once",
        arguments: StoreKind.allCases)
    func immediateWithdrawal(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let lines = (0..<6).map { Sandbox.agreementLine("A-\($0)", zone: "Asia/Tokyo", dueInDays: 2) }.joined(
            separator: "\n")
        try sandbox.run("rapportctl", ["import", "agreements", try sandbox.file("a.jsonl", lines)])
        try sandbox.run("rapportd", ["--once"])
        let jobs = try sandbox.jobs()
        try #require(jobs.count >= 3)
        let agreements = try jobs.map { try sandbox.job($0)["agreement"] as? String ?? "" }

        let pause = try sandbox.run("rapportctl", ["pause", agreements[0], "--reason", "debtor in hospital"])
        #expect(pause.code == 0, "\(pause.err)")
        #expect(pause.out.contains("1 waiting job(s) withdrawn"))
        #expect(try sandbox.jobs(in: "withdrawn") == [jobs[0]])

        let cease = try sandbox.run("rapportctl", ["record", agreements[1], "cease"])
        #expect(cease.out.contains("1 waiting job(s) withdrawn"))
        let payment = try sandbox.file(
            "e.jsonl",
            #"{"agreement":"\#(agreements[2])","type":"payment","at":"\#(Timestamp.rfc3339(Date()))","amount":"50.00"}"#
                + "\n")
        let imported = try sandbox.run("rapportctl", ["import", "events", payment])
        #expect(imported.code == 0, "\(imported.err)")
        #expect(imported.out.contains("1 recorded, 0 duplicate, 0 rejected; 1 waiting job(s) withdrawn"))
        #expect(try sandbox.jobs(in: "withdrawn").count == 3)
        #expect(try sandbox.run("rapportctl", ["import", "events", payment]).out.contains("0 recorded, 1 duplicate"))

        // The next tick: a cease confirmation for the ceased one and, for the payer who paid
        // in full, the congratulation that thanks for it (R26).
        try sandbox.run("rapportd", ["--once"])
        let kinds = try sandbox.jobs().map { try sandbox.job($0)["kind"] as? String ?? "" }
        #expect(kinds.contains("cease_confirmation"))
        #expect(kinds.contains("completed"))
        let explain = try sandbox.run("rapportctl", ["explain", agreements[0]]).out
        #expect(explain.contains("R17"))
        #expect(try sandbox.run("rapportctl", ["resume", agreements[0]]).code == 0)
    }

    @Test(
        "spool ls lists in send order; spool show shows the message with the recipient redacted; status counts",
        arguments: StoreKind.allCases)
    func inspection(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let lines = ["Europe/Madrid", "America/Chicago", "Asia/Kolkata"].enumerated().map {
            Sandbox.agreementLine("A-\($0.offset)", zone: $0.element, dueInDays: 2, locale: "es")
        }
        try sandbox.run(
            "rapportctl", ["import", "agreements", try sandbox.file("a.jsonl", lines.joined(separator: "\n"))])
        try sandbox.run("rapportd", ["--once"])
        let jobs = try sandbox.jobs()
        try #require(!jobs.isEmpty)
        let listing = try sandbox.run("rapportctl", ["spool", "ls"])
        #expect(listing.code == 0)
        let rows = listing.out.split(separator: "\n").dropFirst().dropLast()
        #expect(rows.count == jobs.count)
        #expect(rows.map { String($0.prefix(20)) } == rows.map { String($0.prefix(20)) }.sorted())
        let id = try #require(try sandbox.job(jobs[0])["id"] as? String)
        let show = try sandbox.run("rapportctl", ["spool", "show", id])
        #expect(show.code == 0, "\(show.err)")
        #expect(show.out.contains("Hola, Sam"))
        #expect(!show.out.contains("+12145550100"))
        #expect(try sandbox.run("rapportctl", ["spool", "show", id, "--reveal"]).out.contains("+12145550100"))
        let status = try sandbox.run("rapportctl", ["status"])
        #expect(status.out.contains("agreements: 3"))
        #expect(status.out.contains("spooled \(jobs.count)"))
        #expect(status.out.contains("last tick: "))
    }

    @Test("rapportd ticks until SIGTERM, then finishes its batch and exits 0", arguments: StoreKind.allCases)
    func daemonStopsOnSigterm(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store, extraConfig: "[daemon]\ntick_seconds = 1\n")
        try sandbox.run(
            "rapportctl",
            [
                "import", "agreements",
                try sandbox.file("a.jsonl", Sandbox.agreementLine("A-1", zone: "Asia/Tokyo", dueInDays: 2)),
            ])
        let daemon = try sandbox.start("rapportd", [])
        try await Task.sleep(for: .seconds(2.5))
        #expect(daemon.isRunning)
        daemon.terminate()
        let deadline = Date().addingTimeInterval(10)
        while daemon.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!daemon.isRunning)
        #expect(daemon.terminationStatus == 0)
        #expect(daemon.terminationReason == .exit)
        let status = try sandbox.run("rapportctl", ["status"]).out
        #expect(status.contains("last tick: "))
    }

    @Test("rapportd --demo --once builds the demo portfolio and writes jobs")
    func demo() async throws {
        let sandbox = try Sandbox()
        let config = sandbox.root.appendingPathComponent("config")
        try FileManager.default.copyItem(at: Sandbox.repository.appendingPathComponent("config"), to: config)
        let result = try sandbox.run("rapportd", ["--demo", "--once"], withConfig: false, directory: sandbox.root)
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("Rapport demo: 200 agreements"))
        #expect(result.out.contains("Held back, and why"))
        let written = try FileManager.default.contentsOfDirectory(
            atPath: sandbox.root.appendingPathComponent(".rapport-demo/spool/new").path)
        #expect(written.count > 50)
    }
}

/// `rapportctl adjust` end to end.
@Suite("Adjust", .serialized)
struct AdjustEndToEndTests {
    @Test(
        "adjust is recorded with its reason, survives a re-import, shows in explain, and refuses what is not allowed",
        arguments: StoreKind.allCases)
    func adjust(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let line = Sandbox.agreementLine("A-1", zone: "Asia/Tokyo", dueInDays: 9)
        let file = try sandbox.file("a.jsonl", line)
        try sandbox.run("rapportctl", ["import", "agreements", file])
        let adjusted = try sandbox.run(
            "rapportctl",
            [
                "adjust", "A-1", "--channel", "email", "--preferred-time", "18:00", "--avoid-days", "sat", "--reason",
                "asked by phone",
            ])
        #expect(adjusted.code == 0, "\(adjusted.err)")
        #expect(
            adjusted.out.contains("adjusted A-1: channel email; preferred time 18:00; designated times: never on sat"))
        try sandbox.run(
            "rapportctl",
            [
                "import", "agreements",
                try sandbox.file("b.jsonl", line.replacingOccurrences(of: "Sam Rivera", with: "Samuel Rivera")),
            ])
        let explain = try sandbox.run("rapportctl", ["explain", "A-1"]).out
        #expect(explain.contains("adjusted: channel email; preferred time 18:00"))
        #expect(explain.contains("asked by phone"))
        #expect(explain.contains("prefers email"))
        #expect(
            try sandbox.run("rapportctl", ["adjust", "A-1", "--cadence", "nonexistent", "--reason", "x"]).code == 64)
        #expect(try sandbox.run("rapportctl", ["adjust", "A-1", "--min-gap-hours", "24", "--reason", "x"]).code == 64)
        #expect(try sandbox.run("rapportctl", ["adjust", "A-9", "--channel", "sms", "--reason", "x"]).code == 65)
        #expect(try sandbox.run("rapportctl", ["adjust", "A-1", "--reason", "nothing"]).code == 64)
    }
}

extension EndToEndTests {
    @Test(
        """
        R36 R22: check-config prints each SMS template's worst case and refuses one over budget; rapportd refuses to \
        start on it, naming the file and the worst case
        """)
    func r36CheckConfig() async throws {
        let folder = try TemporaryFolder("templates")
        let templates = folder.appending("templates")
        try FileManager.default.copyItem(
            at: Sandbox.repository.appendingPathComponent("config/templates"), to: templates)
        let sandbox = try Sandbox(extraConfig: "")
        let fine = try sandbox.run("rapportctl", ["check-config"])
        #expect(fine.code == 0, "\(fine.err)")
        #expect(fine.out.contains("en/missed.sms.mustache: gsm7, 2 segments at worst"))
        #expect(fine.out.contains("es/missed.sms.mustache: ucs2, 4 segments at worst"))

        let long = String(repeating: "Thank you so much, truly. ", count: 12)
        try "Hi {{name}}, \(long)".write(
            to: templates.appendingPathComponent("en/thanks.sms.mustache"), atomically: false, encoding: .utf8)
        let config = try String(contentsOfFile: sandbox.config, encoding: .utf8)
            .replacingOccurrences(
                of: Sandbox.repository.appendingPathComponent("config/templates").path, with: templates.path)
        try config.write(toFile: sandbox.config, atomically: false, encoding: .utf8)
        let refused = try sandbox.run("rapportctl", ["check-config"])
        #expect(refused.code == 78)
        #expect(refused.err.split(separator: "\n").count == 1)
        #expect(refused.err.contains("en/thanks.sms.mustache: an SMS can take 3 gsm7 segments at its worst case"))
        let daemon = try sandbox.run("rapportd", ["--once"])
        #expect(daemon.code == 78, "never sent long: the daemon does not start")
        #expect(daemon.err.contains("en/thanks.sms.mustache: an SMS can take 3 gsm7 segments"))
        #expect(daemon.err.contains("Worst case: Hi Alexandria Whitfield"))
        #expect(
            try sandbox.run(
                "rapportctl", ["simulate", "--from", "2026-12-01T00:00:00Z", "--until", "2026-12-02T00:00:00Z"]
            )
            .code == 78)
    }

    @Test("R22: in collector mode a disclosure that makes a template too long refuses the config, naming it")
    func r22CollectorBudget() async throws {
        // The sandbox's config ends in its [sender] section.
        let collector = "debt_collector = true\n"
        let shipped = try Sandbox(extraConfig: collector)
        let fits = try shipped.run("rapportctl", ["check-config"])
        #expect(fits.code == 0, "the shipped templates fit with the collector's disclosure: \(fits.err)")
        let wordy = try Sandbox(
            extraConfig: collector
                + "sms_disclosure = \"\(String(repeating: "This message is from a debt collector. ", count: 3))\"\n")
        let refused = try wordy.run("rapportd", ["--once"])
        #expect(refused.code == 78)
        #expect(refused.err.contains(".sms.mustache: an SMS can take"))
        #expect(refused.err.contains("(R36)"))
    }
}

/// `rapportctl gallery`: the page an operator reads after editing a template.
@Suite("The message gallery")
struct GalleryCommandTests {
    @Test(
        """
        R20 R21 R37: rapportctl gallery writes docs/MESSAGES.md from the shipped templates and the four stories \
        simulated from docs/stories, to a file or standard out
        """)
    func galleryIsTheShippedPage() throws {
        let sandbox = try Sandbox()
        let shipped = try String(
            contentsOf: Sandbox.repository.appendingPathComponent("docs/MESSAGES.md"), encoding: .utf8)
        let config = [
            "--config", Sandbox.repository.appendingPathComponent("config/rapport.toml").path, "--stories",
            Sandbox.repository.appendingPathComponent("docs/stories").path,
        ]
        let printed = try sandbox.run("rapportctl", ["gallery"] + config, withConfig: false)
        #expect(printed.code == 0, "\(printed.err)")
        #expect(printed.out == shipped, "docs/MESSAGES.md is what the shipped templates render: regenerate it")
        for title in [
            "On time", "A partial payment, then a miss", "A pause for hardship, then back on track",
            "A Spanish speaker with two agreements",
        ] {
            #expect(printed.out.contains("\n## \(title)\n"), "the story \(title)")
        }
        let out = sandbox.root.appendingPathComponent("gallery.md").path
        #expect(try sandbox.run("rapportctl", ["gallery", "--out", out] + config, withConfig: false).code == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == shipped)
        let refused = try sandbox.run(
            "rapportctl", ["gallery", "--out", "/nonexistent/folder/gallery.md"] + config, withConfig: false)
        #expect(refused.code == 74 && refused.err.contains("/nonexistent/folder/gallery.md"), "\(refused.err)")
    }
}
