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
            guard (1...366).contains(days) else { throw Failure(.usage, "--days must be between 1 and 366") }
            // Now as a whole second, as `simulate --from` takes it: both ways of forecasting
            // (below) then visit the very same instants.
            let now = from ?? Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let engine = try await storage.openEngine(logger: RapportCtl.logger)
            // N rows: today (from now) and the next N-1 UTC days, each simulated to its end.
            let firstDay = LocalDate(String(Timestamp.rfc3339(now).prefix(10))) ?? LocalDate(daysSinceEpoch: 0)
            let end = Date(timeIntervalSince1970: Double(firstDay.adding(days: days).daysSinceEpoch) * 86_400 - 1)
            var counts: [String: [Channel: Int]] = [:]
            func count(_ notBefore: Date, _ channel: Channel) {
                counts[String(Timestamp.rfc3339(notBefore).prefix(10)), default: [:]][channel, default: 0] += 1
            }
            if Forecast.isExact(for: engine.settings.policy) {
                try await Forecast(planner: engine.planner, from: now, until: end).run(
                    over: engine.store, progress: { printProgress($0) }
                ) { jobs in
                    for job in jobs { count(job.notBefore, job.channel) }
                }
            } else {
                let scratch = Scratch()
                defer { scratch.removeAll() }
                _ = try await Simulation(settings: engine.settings, from: now, until: end, rendersText: false).run(
                    copying: engine.store, in: try scratch.folder("forecast"),
                    spoolIn: try scratch.memoryFolder("forecast-spool"), logger: RapportCtl.logger,
                    progress: { printProgress("forecast", $0) }
                ) { job in count(job.notBefore, job.channel) }
            }
            let dates = (0..<days).map { firstDay.adding(days: $0).description }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                for date in dates {
                    let day = counts[date] ?? [:]
                    let row = ForecastDay(
                        date: date, sms: day[.sms] ?? 0, email: day[.email] ?? 0, voice: day[.voice] ?? 0,
                        letter: day[.letter] ?? 0)
                    print(String(decoding: try encoder.encode(row), as: UTF8.self))
                }
                return
            }
            let rows = dates.map { date in
                [date] + Channel.allCases.map { String(counts[date]?[$0] ?? 0) } + [
                    String(counts[date]?.values.reduce(0, +) ?? 0)
                ]
            }
            let totals =
                ["total"]
                + Channel.allCases.map { channel in String(counts.values.map { $0[channel] ?? 0 }.reduce(0, +)) }
                + [String(counts.values.flatMap(\.values).reduce(0, +))]
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
