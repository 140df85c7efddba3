import Foundation
import Logging
import RapportCore
import RapportEngine

/// The forecast `rapportctl forecast` prints and `rapportctl report` draws: every job the engine
/// would deliver from `from` to the end of the last of `days` UTC days, with nothing new
/// recorded meanwhile, tallied by day and channel.
///
/// Debtors that share nothing are forecast apart, in memory (`Forecast`); with per-minute
/// channel limits (R11) they share each minute, and the whole simulation runs over a private
/// copy of the records instead. Both commands call this, so their figures cannot drift apart.
public struct DailyForecast: Sendable {
    /// The instant the forecast starts.
    public let from: Date
    /// How many UTC days: `from`'s day and the days after it.
    public let days: Int

    /// A forecast of `days` UTC days from `from`, as a whole second (as `simulate --from` takes
    /// it: both ways of forecasting then visit the very same instants).
    public init(from: Date, days: Int) {
        self.from = Date(timeIntervalSince1970: from.timeIntervalSince1970.rounded(.down))
        self.days = days
    }

    /// The first UTC day forecast.
    public var firstDay: LocalDate {
        LocalDate(String(Timestamp.rfc3339(from).prefix(10))) ?? LocalDate(daysSinceEpoch: 0)
    }

    /// The last instant forecast: the end of the last day.
    public var until: Date {
        Date(timeIntervalSince1970: Double(firstDay.adding(days: days).daysSinceEpoch) * 86_400 - 1)
    }

    /// Opens the records of `storage` and forecasts `days` UTC days from `from` (now when nil):
    /// what `forecast` and `report` both begin with.
    public static func run(
        days: Int, from: Date?, storage: StorageOptions, logger: Logger, progress: @escaping @Sendable (String) -> Void
    ) async throws -> (engine: Engine, forecast: DailyForecast, tally: ForecastTally) {
        guard (1...366).contains(days) else { throw Failure(.usage, "--days must be between 1 and 366") }
        let engine = try await storage.openEngine(logger: logger)
        let forecast = DailyForecast(from: from ?? Date(), days: days)
        return (engine, forecast, try await forecast.run(engine: engine, logger: logger, progress: progress))
    }

    /// Runs the forecast over `engine`'s records; progress lines go to `progress`.
    public func run(engine: Engine, logger: Logger, progress: @escaping @Sendable (String) -> Void) async throws
        -> ForecastTally
    {
        var tally = ForecastTally(firstDay: firstDay, days: days)
        if Forecast.isExact(for: engine.settings.policy) {
            try await Forecast(planner: engine.planner, from: from, until: until).run(
                over: engine.store,
                progress: {
                    progress("forecast: \($0.debtors) of \($0.total) debtors, \($0.jobs) jobs, \(Int($0.elapsed)) s")
                }
            ) { debtor, jobs in
                for job in jobs {
                    tally.add(debtor: debtor, kind: job.kind, channel: job.channel, notBefore: job.notBefore)
                }
            }
            return tally
        }
        let scratch = Scratch()
        defer { scratch.removeAll() }
        _ = try await Simulation(settings: engine.settings, from: from, until: until, rendersText: false).run(
            copying: engine.store, in: try scratch.folder("forecast"),
            spoolIn: try scratch.memoryFolder("forecast-spool"), logger: logger,
            progress: { progress($0.line("forecast")) }
        ) { job in tally.add(debtor: job.debtor, kind: job.kind, channel: job.channel, notBefore: job.notBefore) }
        return tally
    }
}
