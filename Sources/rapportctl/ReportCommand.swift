import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportReport

/// `rapportctl report`: the operator's picture of the book as one HTML file.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the operator's report: one self-contained HTML file with charts and their tables.",
        discussion: """
            Messages per day and channel for the next N days (the same forecast as `rapportctl forecast`), \
            debtors at the weekly cap, arrears by age and currency, delivery outcomes of the last 30 days, \
            stops in force and the inbox. The file has no script and fetches nothing; it names no debtor and \
            shows no individual amount, so it can be mailed or printed.
            """)

    @Option(help: ArgumentHelp("Where to write the HTML file.", valueName: "file")) var out: String
    @Option(help: "How many days of forecast.") var days = 30
    @Option(
        help: ArgumentHelp("Report as of this instant instead of now (RFC 3339).", valueName: "time"),
        transform: Instant.parse)
    var from: Date?
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            let (engine, forecast, tally) = try await DailyForecast.run(
                days: days, from: from, storage: storage, logger: RapportCtl.logger, progress: printError)
            let figures = try await ReportFigures.gather(
                from: engine.store, planner: engine.planner, forecast: tally, now: forecast.from)
            let scratch = Scratch()
            defer { scratch.removeAll() }
            let file = try OutputFile(path: out, scratch: scratch)
            let html: String
            do {
                html = try ReportPage(figures: figures).html()
            } catch {
                throw Failure(.config, "the report's template does not parse (\(error)): a broken build, report it")
            }
            try file.write(Data(html.utf8))
            try file.close()
            printError("report: \(out) (\(figures.debtors) debtors, \(days) days)")
        }
    }
}
