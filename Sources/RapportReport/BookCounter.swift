import Foundation
import RapportCore
import RapportEngine

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
