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

/// The running sums of one pass over the book.
struct BookCounter {
    let planner: Planner
    let tally: ForecastTally
    let now: Date
    let today: LocalDate
    var weeklyCap: Int { planner.policy.maxPerWeek }
    var debtors = 0
    var agreements = 0
    var atCap: [Int]
    var arrears: [String: [ReportFigures.AgeBand]] = [:]
    var outcomes: [Channel: ReportFigures.ChannelOutcomes] = [:]
    var stops: [StopKind: Int] = [:]

    init(planner: Planner, tally: ForecastTally, now: Date) {
        self.planner = planner
        self.tally = tally
        self.now = now
        today = tally.firstDay.adding(days: tally.dayIndex(of: now))
        atCap = Array(repeating: 0, count: tally.days)
    }

    /// Adds one debtor's records.
    mutating func count(_ portfolio: Portfolio, of debtor: Identifier) {
        debtors += 1
        let states = portfolio.states(at: now)
        agreements += states.count
        for state in states {
            countArrears(of: state)
            countStops(of: state)
            for channel in planner.unusableAddresses(of: state, history: portfolio.history) {
                outcomes[channel, default: ReportFigures.ChannelOutcomes(channel: channel)].unusableAddresses += 1
            }
        }
        countOutcomes(portfolio.history)
        countCap(pacedDays: pastPacedDays(portfolio.history) + (tally.pacedDays[debtor] ?? []))
    }

    /// The forecast days, with their holidays and the debtors at the cap.
    func days(holidays: HolidayCalendar) -> [ReportFigures.Day] {
        (0..<tally.days).map { index in
            let date = tally.firstDay.adding(days: index)
            return ReportFigures.Day(
                date: date, contacts: tally.counts[index], atCap: atCap[index], holiday: holidays.holiday(on: date))
        }
    }

    private mutating func countArrears(of state: AgreementState) {
        guard let overdue = Statement.arrears(of: state, on: today) else { return }
        let currency = state.agreement.currency
        var bands = arrears[currency] ?? ReportFigures.ageBands.map { ReportFigures.AgeBand(label: $0.label) }
        let band = ReportFigures.ageBand(ofDaysOverdue: overdue.oldest.days(until: today))
        bands[band].agreements += 1
        bands[band].amount = bands[band].amount + overdue.total
        arrears[currency] = bands
    }

    private mutating func countStops(of state: AgreementState) {
        var kinds = Set(state.stops(on: today).compactMap(Self.kind(of:)))
        if !state.optedOut.isEmpty { kinds.insert(.optOut) }
        for kind in kinds { stops[kind, default: 0] += 1 }
    }

    /// The report's kind of a stop, from the event that put it in force.
    private static func kind(of stop: AgreementState.Stop) -> StopKind? {
        switch stop.cause {
        case .cease: .cease
        case .attorney: .attorney
        case .dispute: .dispute
        case .bankruptcy: .bankruptcy
        case .deceased: .deceased
        case .breathingSpace: .breathingSpace
        case .hardship: .hardship
        case .pause: .pause
        default: nil
        }
    }

    /// Jobs planned to go out in the 30 days before `now`, by how they ended; a job still
    /// waiting or in flight has not ended and is not counted.
    private mutating func countOutcomes(_ history: [ContactRecord]) {
        let since = now.addingTimeInterval(-30 * 86_400)
        for job in history where job.notBefore >= since && job.notBefore <= now {
            let outcome: ReportFigures.Outcome
            switch job.state {
            case .delivered: outcome = .delivered
            case .failed: outcome = .failed
            case .expired: outcome = .expired
            case .withdrawn, .cancelled: outcome = .withdrawn
            case .planned, .spooled, .held, .review, .claimed, .staleClaim: continue
            }
            outcomes[job.channel, default: ReportFigures.ChannelOutcomes(channel: job.channel)].counts[
                outcome, default: 0] += 1
        }
    }

    /// The day indexes (negative: before the forecast's first day) of the paced contacts of the
    /// six days before it and of its first day up to `now`: what the forecast's early days'
    /// weekly windows reach back to. A job still waiting is the forecast's to deliver (or to
    /// withdraw), and so are jobs from `now` on: counting them here would count them twice.
    private func pastPacedDays(_ history: [ContactRecord]) -> [Int] {
        history.compactMap { job in
            guard job.state.countsAsContact, !job.state.isWaiting, !job.kind.isAnswer, job.notBefore < now
            else { return nil }
            let day = tally.dayIndex(of: job.notBefore)
            return day >= -6 ? day : nil
        }
    }

    /// R8: each forecast day on which the debtor's paced contacts of the seven days ending
    /// that day reach the weekly cap.
    private mutating func countCap(pacedDays: [Int]) {
        guard pacedDays.count >= weeklyCap else { return }
        for day in 0..<tally.days where pacedDays.filter({ $0 > day - 7 && $0 <= day }).count >= weeklyCap {
            atCap[day] += 1
        }
    }
}
