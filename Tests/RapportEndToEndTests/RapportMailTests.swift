import Foundation
import RapportSpool
import Testing

@testable import RapportMail

/// `rapport-mail` for real: the built binary, the spool rapportd wrote, and a real Postfix
/// delivering to real Maildirs (set up by `scripts/postfix-test-setup`, which `.ci/run` runs).
///
/// Without Postfix a developer's `swift test` skips the transport test and says how to enable
/// it; under CI (`CI=true`) a Postfix that is not there fails it, with the reason.
@Suite("rapport-mail through a real Postfix", .serialized)
struct RapportMailTests {
    static let debtorMaildir = "/home/debtor/Maildir"
    static let repliesMaildir = "/home/rapportmail/Maildir"
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Why Postfix cannot be used here, or nil when it can.
    static let postfixProblem: String? = {
        guard geteuid() == 0 else { return "the test needs root to read the test users' Maildirs" }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sendmail") else { return "no /usr/sbin/sendmail" }
        guard FileManager.default.fileExists(atPath: "\(debtorMaildir)/new"),
            FileManager.default.fileExists(atPath: "\(repliesMaildir)/new")
        else { return "the test users' Maildirs do not exist" }
        let status = Process()
        status.executableURL = URL(fileURLWithPath: "/usr/sbin/postfix")
        status.arguments = ["status"]
        status.standardOutput = FileHandle.nullDevice
        status.standardError = FileHandle.nullDevice
        guard (try? status.run()) != nil else { return "postfix cannot be run" }
        status.waitUntilExit()
        return status.terminationStatus == 0 ? nil : "postfix is not running"
    }()

    static let enableHint = "Postfix is not set up here; run `sudo scripts/postfix-test-setup` to enable this test"

    /// The mails in a Maildir folder.
    static func mails(_ maildir: String, _ folder: String = "new") throws -> [ReceivedMail] {
        try FileManager.default.contentsOfDirectory(atPath: "\(maildir)/\(folder)").sorted().map {
            ReceivedMail(try Data(contentsOf: URL(fileURLWithPath: "\(maildir)/\(folder)/\($0)")))
        }
    }

    /// How many mails a Maildir received: new and already read.
    static func arrived(_ maildir: String) throws -> Int {
        try ["new", "cur"].reduce(0) {
            $0 + (try FileManager.default.contentsOfDirectory(atPath: "\(maildir)/\($1)").count)
        }
    }

    static func emptyMaildirs() throws {
        for maildir in [debtorMaildir, repliesMaildir] {
            for folder in ["new", "cur"] {
                for name in try FileManager.default.contentsOfDirectory(atPath: "\(maildir)/\(folder)") {
                    try FileManager.default.removeItem(atPath: "\(maildir)/\(folder)/\(name)")
                }
            }
        }
    }

    /// Waits (at most `seconds`) until `condition` holds; Postfix delivers asynchronously.
    static func eventually(_ seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(200_000)
        }
        return try condition()
    }

    /// A sandbox whose agreements are e-mailed now, with `[mail]` for the test domain.
    static func sandbox(sendmail: String = "/usr/sbin/sendmail") throws -> Sandbox {
        let sandbox = try Sandbox(
            extraConfig: """
                [mail]
                from = "Rapport Démo Lending <replies@rapport.test>"
                envelope = "bounces@rapport.test"
                sendmail = "\(sendmail)"
                replies = "\(repliesMaildir)"
                unsubscribe_url = "https://example.org/unsubscribe/{{job}}"
                [cadence]
                spread_minutes = 1
                """)
        let lines = [
            ListeningTests.agreement("A-1", email: "debtor@rapport.test"),
            ListeningTests.agreement("A-2", sms: "+12145550102", email: "nobody-here@rapport.test"),
            Sandbox.agreementLine("A-3", zone: ListeningTests.daytime, dueInDays: 2, locale: "es")
                .replacingOccurrences(of: "+12145550100", with: "+12145550103")
                .replacingOccurrences(of: "sam@example.org", with: "debtor+es@rapport.test"),
        ].map { $0.replacingOccurrences(of: #""consent":{"sms":true}"#, with: #""consent":{"sms":false}"#) }
        #expect(
            try sandbox.importAgreements(lines).code == 0)
        return sandbox
    }

    /// Runs rapportd once and waits until every e-mail job it wrote may be sent.
    static func tickAndWait(_ sandbox: Sandbox) throws -> [String] {
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let names = try sandbox.jobs().filter { $0.contains("_email_") }
        if let latest = names.compactMap(Spool.notBefore(ofFileName:)).max() {
            let wait = latest.timeIntervalSinceNow
            if wait > 0 { usleep(UInt32((wait + 1) * 1_000_000)) }
        }
        return names
    }

    @Test(
        """
        A tick's e-mail delivered into a real Maildir with the contract's headers; a real bounce and a real STOP \
        reply take effect
        """,
        .enabled(if: postfixProblem == nil || isCI, Comment(rawValue: enableHint)), .timeLimit(.minutes(3)))
    func throughPostfix() async throws {
        if let problem = Self.postfixProblem {
            Issue.record(
                "Postfix could not be used under CI: \(problem) (scripts/postfix-test-setup should have set it up)")
            return
        }
        try Self.emptyMaildirs()
        let sandbox = try Self.sandbox()
        let names = try Self.tickAndWait(sandbox)
        #expect(names.count == 3)
        let jobs = try Dictionary(
            uniqueKeysWithValues: names.map { name in
                let data = try Data(contentsOf: URL(fileURLWithPath: "\(sandbox.spool)/new/\(name)"))
                let job = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
                return (job["id"] as? String ?? "", job)
            })

        let sent = try sandbox.run("rapport-mail", ["--once", "--spool", sandbox.spool])
        #expect(sent.code == 0, "\(sent.err)")
        #expect(sent.err.contains("sent 3, failed 0"))
        #expect(!sent.err.contains("rapport.test"), "no addresses at info")
        #expect(try sandbox.jobs(in: "done").count == 3)
        #expect(try Self.eventually { try Self.mails(Self.debtorMaildir).count == 2 })

        for mail in try Self.mails(Self.debtorMaildir) {
            let id = try #require(mail.header("x-rapport-job"))
            let job = try #require(jobs[id])
            #expect(mail.header("from") == "Rapport Démo Lending <replies@rapport.test>")
            #expect(mail.header("to") == "<\(job["to"] as? String ?? "")>")
            #expect(mail.header("subject") == job["subject"] as? String)
            #expect(mail.header("message-id") == "<\(id)@rapport.test>")
            #expect(mail.header("return-path") == "<bounces+\(id)@rapport.test>")
            #expect(mail.header("date").map { $0.hasSuffix("+0000") } == true)
            #expect(
                mail.header("list-unsubscribe")
                    == "<mailto:bounces+unsub-\(id)@rapport.test>, <https://example.org/unsubscribe/\(id)>")
            #expect(mail.header("list-unsubscribe-post") == "List-Unsubscribe=One-Click")
            #expect(mail.contentType.type == "text/plain" && mail.contentType.parameters["charset"] == "utf-8")
            #expect(mail.header("content-transfer-encoding") == "quoted-printable")
            #expect(mail.text.trimmingCharacters(in: .newlines) == job["body"] as? String)
        }

        // The message to an unknown local user bounces back to bounces+<job id>@ (read by this
        // pass already, or by the next).
        #expect(try Self.eventually { try Self.arrived(Self.repliesMaildir) == 1 })
        // The debtor answers the English reminder: STOP, above the quoted history.
        let english = try #require(
            try Self.mails(Self.debtorMaildir).first { $0.header("to") == "<debtor@rapport.test>" })
        let replyTo = try #require(english.header("message-id"))
        let reply = """
            From: Sam Rivera <debtor@rapport.test>
            To: replies@rapport.test
            Subject: Re: \(english.header("subject") ?? "")
            In-Reply-To: \(replyTo)
            References: \(replyTo)
            Message-ID: <reply-\(UUID().uuidString)@rapport.test>

            STOP

            On a weekday, Rapport Démo Lending <replies@rapport.test> wrote:
            > Hi Sam, a friendly reminder

            """
        let sendmail = Process()
        sendmail.executableURL = URL(fileURLWithPath: "/usr/sbin/sendmail")
        sendmail.arguments = ["-i", "-f", "debtor@rapport.test", "--", "replies@rapport.test"]
        let input = Pipe()
        sendmail.standardInput = input
        try sendmail.run()
        input.fileHandleForWriting.write(Data(reply.utf8))
        try input.fileHandleForWriting.close()
        sendmail.waitUntilExit()
        #expect(try Self.eventually { try Self.arrived(Self.repliesMaildir) == 2 })

        let read = try sandbox.run("rapport-mail", ["--once", "--spool", sandbox.spool])
        #expect(read.code == 0, "\(read.err)")
        let handed = try sandbox.jobs(in: "in").map { try sandbox.job($0, in: "in") }
        #expect(handed.map { $0["kind"] as? String ?? "" }.sorted() == ["bounce", "message"])
        #expect(
            handed.contains {
                $0["kind"] as? String == "bounce" && $0["recipient"] as? String == "nobody-here@rapport.test"
                    && $0["status"] as? String == "5.1.1"
            })
        #expect(handed.contains { $0["text"] as? String == "STOP" && $0["in_reply_to"] as? String != nil })
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(Self.repliesMaildir)/new").isEmpty)
        let seen = try FileManager.default.contentsOfDirectory(atPath: "\(Self.repliesMaildir)/cur")
        #expect(seen.count == 2 && seen.allSatisfy { $0.hasSuffix(":2,S") }, "both messages marked seen: \(seen)")
        #expect(try sandbox.jobs(in: "in").count == 2)

        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let bounced = try sandbox.run("rapportctl", ["explain", "A-2"]).out
        #expect(bounced.contains("bounced permanently") && bounced.contains("5.1.1"), "\(bounced)")
        let stopped = try sandbox.run("rapportctl", ["explain", "A-1"]).out
        #expect(stopped.contains("email (opted out)"), "\(stopped)")
        // After the next tick no e-mail to the address that said STOP is planned, but its
        // one confirmation; the Spanish debtor's address is not affected.
        let planned = try sandbox.jobs().map { try sandbox.job($0) }
        let toStopped = planned.filter { $0["to"] as? String == "debtor@rapport.test" }
        #expect(
            toStopped.count == 1 && toStopped.first?["kind"] as? String == "opt_out_confirmation",
            "only the one confirmation: \(toStopped.map { $0["kind"] ?? "?" })")
        let simulated = try sandbox.run(
            "rapportctl", ["simulate", "--from", ListeningTests.now(), "--until", ListeningTests.now(days: 40)])
        #expect(
            !simulated.out.split(separator: "\n").contains {
                $0.contains(#""to":"debtor@rapport.test""#) && !$0.contains("opt_out_confirmation")
            })
        #expect(!simulated.out.contains(#""to":"nobody-here@rapport.test""#), "the bounced address is not used again")
    }

}

/// `rapport-mail` without a transport: at-most-once and its configuration errors.
@Suite("rapport-mail without a transport")
struct RapportMailSafetyTests {
    @Test(
        """
        A killed rapport-mail never sends a job twice: claimed and piped but not acked, it stays in cur/ as a stale \
        claim
        """
    )
    func killedNeverTwice() async throws {
        let sandbox = try Sandbox()
        // A transport that logs each message, then hangs: rapport-mail is killed while it waits.
        let log = sandbox.root.appendingPathComponent("sent.log").path
        let fake = try sandbox.file(
            "sendmail", "#!/bin/sh\ncat >> \(log)\necho --- >> \(log)\n[ -e \(log).hang ] && sleep 60\nexit 0\n")
        chmod(fake, 0o755)
        #expect(FileManager.default.createFile(atPath: log + ".hang", contents: Data()))
        let config =
            try String(contentsOfFile: sandbox.config, encoding: .utf8)
            + "\n[mail]\nfrom = \"Acme <replies@acme.test>\"\nsendmail = \"\(fake)\"\n[cadence]\nspread_minutes = 1\n"
        try config.write(toFile: sandbox.config, atomically: false, encoding: .utf8)
        let line = ListeningTests.agreement("A-1", email: "sam@acme.test")
            .replacingOccurrences(of: #""consent":{"sms":true}"#, with: #""consent":{"sms":false}"#)
        #expect(try sandbox.importAgreements([line]).code == 0)
        let names = try RapportMailTests.tickAndWait(sandbox)
        try #require(names.count == 1)

        let mailer = try sandbox.start("rapport-mail", ["--once"])
        #expect(
            RapportMailTests.eventually(10) {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("---")
            })
        kill(mailer.processIdentifier, SIGKILL)
        mailer.waitUntilExit()
        #expect(try sandbox.jobs(in: "cur") == names, "claimed, piped, not acknowledged: it stays in cur/")

        try FileManager.default.removeItem(atPath: log + ".hang")
        let again = try sandbox.run("rapport-mail", ["--once"])
        #expect(again.code == 0)
        let sentTimes = try String(contentsOfFile: log, encoding: .utf8).components(separatedBy: "---\n").count - 1
        #expect(sentTimes == 1, "never handed to the transport a second time")
        #expect(try sandbox.jobs(in: "cur") == names)
        let status = try sandbox.run("rapportctl", ["spool", "stats"])
        #expect(status.code == 0)
    }

    @Test("Running continuously, rapport-mail stops cleanly on SIGTERM between messages and exits 0")
    func sigterm() async throws {
        let sandbox = try Sandbox(extraConfig: "[mail]\nfrom = \"Acme <a@acme.test>\"\nsendmail = \"/bin/true\"\n")
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let mailer = try sandbox.start("rapport-mail", ["--interval", "1"])
        usleep(1_500_000)
        #expect(mailer.isRunning)
        kill(mailer.processIdentifier, SIGTERM)
        let err = (mailer.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        mailer.waitUntilExit()
        #expect(mailer.terminationReason == .exit && mailer.terminationStatus == 0)
        #expect(String(decoding: err, as: UTF8.self).contains("stopping: SIGTERM or SIGINT received"))
    }

    @Test(
        """
        rapport-mail refuses a missing [mail] from, a missing sendmail and a Maildir that is not one, each with one line
        """
    )
    func configuration() async throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let noFrom = try sandbox.run("rapport-mail", ["--once"])
        #expect(
            noFrom.code == 78 && noFrom.err.contains("[mail] from is not set")
                && noFrom.err.split(separator: "\n").count == 1)
        let config =
            try String(contentsOfFile: sandbox.config, encoding: .utf8) + "\n[mail]\nfrom = \"Acme <a@acme.test>\"\n"
        try config.write(toFile: sandbox.config, atomically: false, encoding: .utf8)
        let noSendmail = try sandbox.run("rapport-mail", ["--once", "--sendmail", "/nonexistent/sendmail"])
        #expect(noSendmail.code == 69 && noSendmail.err.contains("/nonexistent/sendmail"))
        let noMaildir = try sandbox.run(
            "rapport-mail", ["--once", "--sendmail", "/bin/true", "--replies", "/nonexistent"])
        #expect(noMaildir.code == 66 && noMaildir.err.contains("not a Maildir"))
    }
}
