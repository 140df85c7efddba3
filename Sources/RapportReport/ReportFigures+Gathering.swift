import Foundation
import RapportCore
import RapportEngine
import RapportStorage

extension ReportFigures {
    /// How many debtors are read together: a report of millions holds little in memory.
    static let chunk = 1_024

    /// The figures of the book in `store` at `now`, with the forecast's `tally`: one pass over
    /// every debtor's records, read as the planner reads them, so a stop, an arrears age or an
    /// unusable address is counted by the same code that acts on it.
    ///
    /// Instants are counted by their UTC day, as `forecast` counts them; a record that cannot
    /// be read stops the report with its name, as it stops a forecast.
    public static func gather(
        from store: any Store, planner: Planner, forecast tally: ForecastTally, now: Date
    ) async throws(StoreError) -> ReportFigures {
        var book = BookCounter(planner: planner, tally: tally, now: now)
        var cursor: Identifier?
        while true {
            let debtors = try await store.debtors(after: cursor, limit: chunk)
            guard let last = debtors.last else { break }
            cursor = last
            let portfolios = try await store.portfolios(of: debtors)
            for debtor in debtors {
                guard let portfolio = try portfolios[debtor]?.get() else { continue }
                book.count(portfolio, of: debtor)
            }
        }
        let inbox = try await store.inboundCounts()
        return ReportFigures(
            generatedAt: now, debtors: book.debtors, agreements: book.agreements, weeklyCap: book.weeklyCap,
            days: book.days(holidays: planner.policy.holidays), arrears: book.arrears,
            outcomes: Channel.allCases.map { book.outcomes[$0] ?? ChannelOutcomes(channel: $0) },
            stops: StopKind.allCases.map { StopCount(kind: $0, agreements: book.stops[$0] ?? 0) },
            inboxWaiting: inbox.inboxOpen, inboxOldest: inbox.oldestOpen)
    }
}
