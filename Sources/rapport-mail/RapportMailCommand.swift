import ArgumentParser
import Foundation
import Logging
import RapportCommandLine
import RapportConfig
import RapportMail
import RapportSpool

/// `rapport-mail`: Rapport's e-mail delivery tool (contract, "E-mail delivery").
@main
struct RapportMailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapport-mail",
        abstract: "Send Rapport's e-mail jobs through the host's mail transport and read replies and bounces back.",
        discussion: """
            Claims the e-mail jobs whose time has come, hands each to the transport with sendmail -i -f \
            bounces+<job id>@domain -- <to>, and acknowledges it (delivered, or failed with sendmail's status). \
            With --replies (or [mail] replies), reads new mail in that Maildir and writes each reply, bounce \
            or unsubscribe into the spool's in/ for rapportd. At most once: a job killed between the pipe and \
            the acknowledgement stays in cur/ and is never sent again. SIGTERM or SIGINT stop between messages.
            """,
        version: rapportVersion)

    /// Runs with the project's error model: every failure, usage errors included, is one line.
    static func main() async { await mainReportingFailures(program: "rapport-mail") }

    @OptionGroup var place: DeliveryToolOptions
    @Option(help: ArgumentHelp("The sendmail program, overriding [mail] sendmail.", valueName: "path")) var sendmail:
        String?
    @Option(
        help: ArgumentHelp("A Maildir of replies and bounces to read, overriding [mail] replies.", valueName: "maildir")
    )
    var replies: String?
    @Flag(help: "Send what is due and read what came back once, then exit 0.") var once = false
    @Option(help: ArgumentHelp("Seconds between rounds when running continuously.", valueName: "seconds"))
    var interval: Int = 5

    func run() async throws {
        RapportLogging.bootstrap()
        let logger = Logger(label: "rapport-mail")
        try await reportingFailures(program: "rapport-mail") {
            var (settings, configPath) = try DeliveryTool.settings(place)
            if let sendmail { settings.mail.sendmail = sendmail }
            if let replies { settings.mail.replies = replies }
            guard !settings.mail.from.isEmpty else {
                throw Failure(
                    .config, "\(configPath): [mail] from is not set; rapport-mail needs the address mail comes from")
            }
            guard FileManager.default.isExecutableFile(atPath: settings.mail.sendmail) else {
                throw Failure(
                    .unavailable,
                    "\(settings.mail.sendmail) is not an executable sendmail; install a mail transport or set [mail] "
                        + "sendmail"
                )
            }
            let spool = try DeliveryTool.spool(settings)
            if let maildir = settings.mail.replies, !FileManager.default.fileExists(atPath: "\(maildir)/new") {
                throw Failure(
                    .noInput, "\(maildir) is not a Maildir (no new/ folder); check [mail] replies or --replies")
            }
            DeliveryTool.catchStopSignals()
            let claims = try await StorageOptions.deliveryClaims(spool: spool, settings: settings, logger: logger)
            try await loop(settings: settings, claims: claims, logger: logger)
        }
    }

    private func loop(settings: Settings, claims: DeliveryClaims, logger: Logger) async throws(Failure) {
        let spool = claims.spool
        let sender = MailSender(claims: claims, mail: settings.mail)
        let mailbox = settings.mail.replies.map { ReplyMailbox(maildir: $0, spool: spool) }
        let metricsPath = DeliveryTool.metricsPath(settings, tool: "rapport-mail")
        var metrics = MailMetrics()
        let running = { DeliveryTool.running }
        repeat {
            let sending: MailSender.Pass
            let reading: ReplyMailbox.Pass
            do {
                sending = try await sender.sendDue(shouldContinue: running)
                reading = try mailbox?.readNew(shouldContinue: running) ?? ReplyMailbox.Pass()
            } catch let error as SystemError {
                throw Failure(.ioError, error.description)
            } catch {
                throw Failure(mapping: error)
            }
            metrics.add(sending, reading)
            if sending != MailSender.Pass() || reading != ReplyMailbox.Pass() {
                logger.info(
                    """
                    sent \(sending.sent), failed \(sending.failed); read \(reading.messages) replies, \
                    \(reading.bounces) bounces, \(reading.unsubscribes) unsubscribes
                    """
                )
            }
            if let metricsPath {
                do { try metrics.write(to: metricsPath) } catch {
                    logger.warning("metrics file \(metricsPath) not written: \(error)")
                }
            }
            if once { return }
            for _ in 0..<max(1, interval) where running() { sleep(1) }
        } while running()
        logger.info("stopping: SIGTERM or SIGINT received")
    }
}
