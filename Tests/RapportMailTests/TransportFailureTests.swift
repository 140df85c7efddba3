import Foundation
import RapportConfig
import RapportCore
import RapportSpool
import RapportTestSupport
import Testing

@testable import RapportMail

/// rapport-mail when the transport or the job is not what it should be: every claimed job is
/// acknowledged with what happened, and none is sent twice or late.
@Suite("rapport-mail when delivery fails")
struct TransportFailureTests {
    let folder: TemporaryFolder
    let spool: Spool
    let now = Date()

    init() throws {
        folder = try TemporaryFolder("mail-failures")
        spool = Spool(root: folder.appending("spool").path, faults: nil)
        try spool.prepare()
    }

    /// A sendmail that prints `words` and exits `status`.
    func sendmail(exiting status: Int32, saying words: String) throws -> Settings.Mail {
        let path = folder.appending("sendmail-\(status)").path
        try "#!/bin/sh\ncat > /dev/null\necho '\(words)'\nexit \(status)\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        var mail = MailTests.settings
        mail.sendmail = path
        return mail
    }

    /// An e-mail job due a minute ago, still useful for an hour unless said otherwise.
    func due(notAfter: TimeInterval = 3600) throws -> Job {
        var job = MailTests.job()
        job.notBefore = now.addingTimeInterval(-60)
        job.notAfter = now.addingTimeInterval(notAfter)
        _ = try spool.write(job)
        return job
    }

    func failedOutcome(of job: Job) throws -> Outcome {
        let name = try #require(try spool.list(.failed).first { $0 == job.fileName })
        return try #require(spool.outcome(of: Spool.Location(folder: .failed, name: name)))
    }

    @Test("sendmail's EX_TEMPFAIL (75) is acknowledged as a temporary failure, with its words")
    func temporaryFailure() async throws {
        let job = try due()
        let sender = MailSender(spool: spool, mail: try sendmail(exiting: 75, saying: "Resources unavailable"))
        let pass = try await sender.sendDue(now: { now })
        #expect(pass.sent == 0 && pass.failed == 1)
        let outcome = try failedOutcome(of: job)
        #expect(outcome.detail?.contains("temporary failure (EX_TEMPFAIL), exit 75") == true, "\(outcome)")
        #expect(outcome.detail?.contains("Resources unavailable") == true)
        #expect(try spool.list(.cur).isEmpty && spool.list(.new).isEmpty, "acknowledged, never offered again")
    }

    @Test("any other non-zero exit is a failure with sendmail's words")
    func hardFailure() async throws {
        let job = try due()
        let sender = MailSender(spool: spool, mail: try sendmail(exiting: 67, saying: "User unknown"))
        #expect(try await sender.sendDue(now: { now }).failed == 1)
        let detail = try failedOutcome(of: job).detail ?? ""
        #expect(detail.contains(" failed, exit 67") && detail.contains("User unknown"), "\(detail)")
    }

    @Test("a job past its not_after is not handed to sendmail")
    func tooLate() async throws {
        let job = try due(notAfter: -1)
        let sender = MailSender(spool: spool, mail: try sendmail(exiting: 0, saying: "queued as ABC123"))
        let pass = try await sender.sendDue(now: { now })
        #expect(pass.sent == 0 && pass.failed == 1)
        #expect(try failedOutcome(of: job).detail?.contains("has passed") == true)
    }

    @Test("a job file that cannot be read is acknowledged as failed, not sent and not retried")
    func unreadableJob() async throws {
        let job = MailTests.job()
        let name = Job.fileName(notBefore: now.addingTimeInterval(-60), channel: .email, id: job.id)
        _ = try spool.write(Data("{\"not\": \"a job\"}\n".utf8), named: name)
        let sender = MailSender(spool: spool, mail: try sendmail(exiting: 0, saying: "queued as ABC123"))
        let pass = try await sender.sendDue(now: { now })
        #expect(pass.sent == 0 && pass.failed == 1)
        let outcome = try #require(spool.outcome(of: Spool.Location(folder: .failed, name: name)))
        #expect(outcome.detail?.contains("cannot be read") == true, "\(outcome)")
    }
}
