import ArgumentParser
import Foundation
import Logging
import RapportCommandLine
import RapportConfig
import RapportSMS
import RapportSpool

/// `rapport-sms`: Rapport's SMS delivery tool (contract, "SMS delivery").
@main
struct RapportSMSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapport-sms",
        abstract: "Send Rapport's SMS jobs through Kannel or Twilio and take delivery reports and replies back in.",
        discussion: """
            Claims the SMS jobs whose time has come and submits each to the provider of [sms]: Kannel's smsbox \
            (sendsms) or Twilio's Messages API. Accepted: delivered to the gateway; refused: failed with the \
            provider's words; unreachable or 503: handed back unsent, claimable again. Never after not_after. \
            It also listens on [sms] listen for the provider's callbacks (delivery reports, texts from debtors), \
            each written into the spool's in/ before it answers 200. SIGTERM or SIGINT stop between texts.
            """,
        version: rapportVersion)

    /// Runs with the project's error model: every failure, usage errors included, is one line.
    static func main() async { await mainReportingFailures(program: "rapport-sms") }

    @OptionGroup var place: DeliveryToolOptions
    @Flag(help: "Send what is due, take the callbacks that arrive in --linger seconds, then exit 0.") var once = false
    @Option(help: ArgumentHelp("Seconds between rounds when running continuously.", valueName: "seconds"))
    var interval: Int = 5
    @Option(help: ArgumentHelp("With --once: seconds to keep listening after sending.", valueName: "seconds"))
    var linger: Int = 3

    func run() async throws {
        RapportLogging.bootstrap()
        let logger = Logger(label: "rapport-sms")
        try await reportingFailures(program: "rapport-sms") {
            let (settings, configPath) = try DeliveryTool.settings(place)
            let setup = try SMSSetup(settings: settings, configPath: configPath)
            let spool = try DeliveryTool.spool(settings)
            DeliveryTool.catchStopSignals()
            let claims = try await StorageOptions.deliveryClaims(spool: spool, settings: settings, logger: logger)
            let loop = SMSLoop(
                sender: SMSSender(
                    claims: claims, provider: setup.provider, ratePerSecond: settings.sms.ratePerSecond),
                listener: CallbackListener(routes: setup.routes, spool: spool, logger: logger),
                address: setup.listen, metricsPath: DeliveryTool.metricsPath(settings, tool: "rapport-sms"),
                logger: logger)
            try await loop.run(once: once, interval: interval, linger: linger) { DeliveryTool.running }
        }
    }
}
