import Foundation
import RapportConfig
import RapportCore
import RapportSpool

/// `rapport-mail`'s sending side: claims the e-mail jobs whose time has come through the same
/// spool protocol as `rapportctl spool claim` and `ack`, hands each to the transport and
/// acknowledges it.
///
/// At most once: a job is claimed (renamed into `cur/`) before it is piped and acknowledged
/// after. Killed in between, it stays in `cur/`, where the daemon reports it as a stale claim
/// and never offers it again — the transport may already have it, and a debtor must never get
/// the same message twice.
public struct MailSender: Sendable {
    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var sent = 0
        public var failed = 0
        public init() {}
    }

    public let claims: DeliveryClaims
    public let mail: Settings.Mail
    public let sendmail: Sendmail
    public var spool: Spool { claims.spool }

    /// - Parameter claims: the spool alone on one host; the spool and the records on a cluster.
    public init(claims: DeliveryClaims, mail: Settings.Mail) {
        self.claims = claims
        self.mail = mail
        self.sendmail = Sendmail(path: mail.sendmail)
    }

    public init(spool: Spool, mail: Settings.Mail) {
        self.init(claims: DeliveryClaims(spool: spool, ledger: nil), mail: mail)
    }

    /// Sends every e-mail job whose `not_before` has come; `shouldContinue` is asked between
    /// messages, so a stop request finishes the message in hand and no more.
    public func sendDue(now: () -> Date = Date.init, shouldContinue: () -> Bool = { true }) async throws -> Pass {
        var pass = Pass()
        while shouldContinue(), let claimed = try await claims.claim(channel: .email, at: now()) {
            let outcome = deliver(claimed, at: now())
            try await claims.acknowledge(claimed.name, outcome: outcome)
            if outcome.delivered { pass.sent += 1 } else { pass.failed += 1 }
        }
        return pass
    }

    /// Sends one claimed job, or says why it was not sent.
    private func deliver(_ claimed: Spool.Location, at now: Date) -> Outcome {
        let job: Job
        do {
            job = try spool.read(claimed)
        } catch {
            return Outcome(delivered: false, at: now, detail: "not sent: the job file cannot be read (\(error))")
        }
        guard now < job.notAfter else {
            return Outcome(
                delivered: false, at: now,
                detail: "not sent: its not_after \(Timestamp.rfc3339(job.notAfter)) has passed")
        }
        do {
            let result = try sendmail.send(try OutgoingMail(job: job, mail: mail, date: now))
            if result.accepted {
                return Outcome(
                    delivered: true, at: now, detail: "accepted by \(mail.sendmail)",
                    providerID: Self.queueID(in: result.output))
            }
            let kind = result.temporary ? "temporary failure (EX_TEMPFAIL)" : "failed"
            return Outcome(
                delivered: false, at: now, detail: "\(mail.sendmail) \(kind), exit \(result.status): \(result.output)")
        } catch {
            return Outcome(delivered: false, at: now, detail: "not sent: \(error)")
        }
    }

    /// A queue id when the transport printed one ("queued as 4XkLbV2Hn3z"), else nil.
    static func queueID(in output: String) -> String? {
        guard let range = output.range(of: "queued as ") else { return nil }
        let id = output[range.upperBound...].prefix { $0.isLetter || $0.isNumber }
        return id.isEmpty ? nil : String(id)
    }
}
