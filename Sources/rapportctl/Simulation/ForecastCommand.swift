import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl forecast`: messages per day and channel, from the same engine.
struct ForecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast the messages per day and channel over the next days, from the same planner.",
        discussion: """
            One row per UTC day of the messages' not_before: today (from now) and the next N-1 days, each to its \
            end. Nothing that is not yet recorded is assumed: no payments, no replies. Each debtor is planned \
            on its own, in memory (debtors share nothing); with per-minute channel limits they share each \
            minute, and the forecast runs the whole simulation over a copy of the database instead.
            """)

    @Option(help: "How many days ahead.") var days = 14
    @Option(
        help: ArgumentHelp(
            "Start at this instant instead of now (RFC 3339): two forecasts from one instant can be compared.",
            valueName: "time"), transform: Instant.parse)
    var from: Date?
    @Flag(help: "One JSON object per day, for tools.") var json = false
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            let (_, forecast, tally) = try await DailyForecast.run(
                days: days, from: from, storage: storage, logger: RapportCtl.logger, progress: printError)
            let dates = (0..<days).map { forecast.firstDay.adding(days: $0).description }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                for (index, date) in dates.enumerated() {
                    let row = ForecastDay(
                        date: date, sms: tally.count(on: index, .sms), email: tally.count(on: index, .email),
                        voice: tally.count(on: index, .voice), letter: tally.count(on: index, .letter))
                    print(String(decoding: try encoder.encode(row), as: UTF8.self))
                }
                return
            }
            let rows = dates.enumerated().map { index, date in
                [date] + Channel.allCases.map { String(tally.count(on: index, $0)) } + [
                    String(Channel.allCases.reduce(0) { $0 + tally.count(on: index, $1) })
                ]
            }
            let totals =
                ["total"] + Channel.allCases.map { String(tally.total($0)) }
                + [String(Channel.allCases.reduce(0) { $0 + tally.total($1) })]
            print(
                TextTable.render(
                    header: ["DATE (UTC)"] + Channel.allCases.map { $0.rawValue.uppercased() } + ["TOTAL"],
                    rows: rows + [totals]), terminator: "")
        }
    }
}

/// One line of `forecast --json`.
struct ForecastDay: Encodable {
    let date: String
    let sms, email, voice, letter, total: Int

    init(date: String, sms: Int, email: Int, voice: Int, letter: Int) {
        self.date = date
        (self.sms, self.email, self.voice, self.letter) = (sms, email, voice, letter)
        total = sms + email + voice + letter
    }
}
