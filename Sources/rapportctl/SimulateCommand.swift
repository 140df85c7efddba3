import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl simulate`: the contract's simulation, in virtual time over a copy of the database.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract:
            "Run the real planning engine in virtual time over a copy of the database; write every delivered job as "
            + "JSON Lines.",
        discussion: """
            The live database and spool are never touched. Agreements count as existing at --from; \
            events (recorded ones dated after --from, and those in --events) are applied when the \
            clock reaches them. Every job is delivered at its not_before. The output is one job per \
            line, in send order, with "delivered_at"; the same input gives the same bytes.
            """)

    @Option(
        help: ArgumentHelp("Start of the simulated time (RFC 3339).", valueName: "time"), transform: Instant.parse)
    var from: Date
    @Option(help: ArgumentHelp("End of the simulated time (RFC 3339).", valueName: "time"), transform: Instant.parse)
    var until: Date
    @Option(
        help: ArgumentHelp(
            "Events and inbound messages (lines with received_at) to apply when the clock reaches them.",
            valueName: "file")) var events: String?
    @Option(help: ArgumentHelp("Where to write the delivered jobs (default: standard output).", valueName: "file"))
    var out: String?
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            let (start, end) = (from, until)
            guard start < end else { throw Failure(.usage, "--until must be later than --from") }
            let engine = try storage.openEngine(logger: RapportCtl.logger)
            var arriving: [Event] = []
            var replies: [InboundMessage] = []
            if let events {
                let (valid, inbound, report) = try await Importer(store: engine.store).validateSimulationInput(
                    try readInput(events))
                for rejection in report.rejected { printError("\(events):\(rejection.line): \(rejection.message)") }
                guard report.rejected.isEmpty else {
                    throw Failure(.dataError, "\(events): \(report.rejected.count) bad line(s); nothing simulated")
                }
                arriving = valid
                replies = inbound
            }
            // The copy of the portfolio and a half-written --out never outlive an interrupt or a failure.
            let scratch = Scratch()
            defer { scratch.removeAll() }
            let output = try OutputFile(path: out, scratch: scratch)
            let simulation = Simulation(
                settings: engine.settings, from: start, until: end, events: arriving, inbound: replies)
            let report = try await simulation.run(
                copying: engine.store, in: try scratch.folder("simulate"),
                spoolIn: try scratch.memoryFolder("simulate-spool"), logger: RapportCtl.logger,
                progress: { printProgress("simulate", $0) }
            ) { job in
                try output.write(try job.encoded())
            }
            try output.close()
            printError(
                String(
                    format: "simulate: %d jobs from %@ to %@ in %d ticks (%.1f s)", report.jobs,
                    Timestamp.rfc3339(start), Timestamp.rfc3339(end), report.ticks, report.seconds))
        }
    }
}

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
            let engine = try storage.openEngine(logger: RapportCtl.logger)
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

/// Standard output, or a file written under a temporary name beside it and renamed into place
/// only when complete: an interrupted run never leaves an output that looks finished.
final class OutputFile {
    private let handle: FileHandle
    private let path: String?
    private let partial: String?
    private let scratch: Scratch

    init(path: String?, scratch: Scratch) throws {
        self.scratch = scratch
        guard let path, path != "-" else {
            (self.path, partial, handle) = (nil, nil, FileHandle.standardOutput)
            return
        }
        let partial = "\(path).partial-\(getpid())"
        guard FileManager.default.createFile(atPath: partial, contents: nil) else {
            throw Failure(.ioError, "\(path): cannot be created (does its folder exist?)")
        }
        scratch.register(partial)
        guard let handle = FileHandle(forWritingAtPath: partial) else {
            throw Failure(.ioError, "\(path): cannot be opened for writing")
        }
        (self.path, self.partial, self.handle) = (path, partial, handle)
    }

    func write(_ data: Data) throws {
        do { try handle.write(contentsOf: data) } catch {
            throw Failure(.ioError, "\(path ?? "stdout"): \(error.localizedDescription)")
        }
    }

    /// Flushes the file and renames it into place.
    func close() throws {
        guard let path, let partial else { return }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw Failure(.ioError, "\(path): \(error.localizedDescription)")
        }
        guard rename(partial, path) == 0 else {
            throw Failure(.ioError, "\(path): cannot be renamed into place (\(String(cString: strerror(errno))))")
        }
        scratch.forget(partial)
    }
}

/// A progress line on standard error, as a long simulation goes.
func printProgress(_ progress: Forecast.Progress) {
    printError(
        "forecast: \(progress.debtors) of \(progress.total) debtors, \(progress.jobs) jobs, \(Int(progress.elapsed)) s")
}

func printProgress(_ verb: String, _ progress: Simulation.Progress) {
    printError(
        "\(verb): \(Timestamp.rfc3339(progress.now)) (\(Int(progress.fraction * 100))%), \(progress.jobs) jobs, "
            + "\(Int(progress.elapsed)) s"
    )
}
