import Foundation
import RapportCore
import RapportStorage

/// One debtor's part of a forecast: what the simulated ticks over the store do to this
/// debtor, done in memory, visiting only the debtor's own instants.
///
/// Without per-minute channel limits (R11) debtors share nothing: what the planner decides for
/// one never depends on another, nor on when a tick happened for someone else. So a forecast
/// needs neither one clock for everyone nor a database: each debtor's timeline runs alone, on
/// any core, from one of its instants — a next action, a job's send or expiry, a recorded
/// event — to the next. At each it does what `Engine.tick` and `Simulation` do there, in the
/// same order:
///
/// 1. expire waiting jobs past their `not_after`, making their agreements due (the store's
///    `overdueJobs`, then `setState(.expired, replan: true)`);
/// 2. make due the agreements a recorded event reaches (`makeDue`);
/// 3. plan every due agreement until quiet, in id order, over the history as the store reads
///    it — by `not_before`, then id — and the agreements' states at that instant;
/// 4. record each send as waiting in `new/` (or in `review/` for a person, R15) unless a later
///    plan of the same tick withdrew it, each withdrawal as `withdrawn` (R18), and each
///    agreement's last `nextReview` as its next action (`commit`, `writeAndMark`);
/// 5. deliver every job waiting in `new/` whose `not_before` has come (`deliverDue`).
///
/// One difference is left on purpose: where a tick has more agreements due than a batch holds
/// (the first one, when everything is due), the engine may plan one debtor's agreements in two
/// batches and read the debtor's history again between them, already spooled and sorted; here
/// they are planned in one pass. The planner counts planned and spooled jobs alike, so the
/// decisions are the same (at 20,000 agreements, with batches of 500, both gave the same 44,934
/// jobs). `ForecastTests` runs it against `Simulation` on generated portfolios, job for job, so
/// the two cannot drift apart unnoticed.
struct DebtorTimeline {
    private var portfolio: Portfolio
    /// Each agreement's next action; none while it is idle.
    private var nextAction: [Identifier: Date] = [:]
    /// The jobs whose files wait in the simulated spool, each with the agreement an expiry
    /// makes due again.
    private var waiting: [JobID: Identifier] = [:]
    /// Recorded events dated after the start, by time: each makes its agreement due.
    private var wakes: ArraySlice<(agreement: Identifier, at: Date)>

    /// The timeline of `portfolio` as a simulation starts it: every agreement due, every job
    /// waiting in the live spool (planned, spooled or held; `liveWaiting` says for which
    /// agreement) copied into the simulated `new/`.
    init(portfolio: Portfolio, liveWaiting: [JobID: Identifier], wakes: [(agreement: Identifier, at: Date)]) {
        self.portfolio = portfolio
        self.wakes = ArraySlice(wakes.sorted { $0.at < $1.at })
        let start = Date(timeIntervalSince1970: 0)
        for agreement in portfolio.agreements { nextAction[agreement.id] = start }
        for index in self.portfolio.history.indices {
            let record = self.portfolio.history[index]
            guard [.planned, .spooled, .held].contains(record.state) else { continue }
            self.portfolio.history[index].state = .spooled
            // A job the daemon wrote after `liveWaiting` was read is its first agreement's.
            waiting[record.jobID] = liveWaiting[record.jobID] ?? record.agreements.first
        }
    }

    /// Runs the timeline from `from` through `until` and returns every job delivered, each at
    /// its `not_before`.
    mutating func run(planner: Planner, from: Date, until: Date) -> [ContactRecord] {
        var delivered: [ContactRecord] = []
        var now = from
        while now <= until {
            expireOverdue(at: now)
            wake(at: now)
            plan(at: now, planner: planner)
            deliver(at: now, into: &delivered)
            guard let next = nextInstant(after: now) else { break }
            // As the simulation's clock: always forward, by a second at least.
            now = max(next, now.addingTimeInterval(1))
        }
        return delivered
    }

    private mutating func expireOverdue(at now: Date) {
        for index in portfolio.history.indices {
            let record = portfolio.history[index]
            guard record.notAfter < now, [.spooled, .held, .review].contains(record.state),
                let agreement = waiting.removeValue(forKey: record.jobID)
            else { continue }
            portfolio.history[index].state = .expired
            nextAction[agreement] = Date(timeIntervalSince1970: 0)
        }
    }

    private mutating func wake(at now: Date) {
        while let first = wakes.first, first.at <= now {
            nextAction[first.agreement] = Date(timeIntervalSince1970: 0)
            wakes.removeFirst()
        }
    }

    private mutating func plan(at now: Date, planner: Planner) {
        let due = Set(portfolio.agreements.map(\.id).filter { nextAction[$0].map { $0 <= now } ?? false })
        guard !due.isEmpty else { return }
        portfolio.history.sort { ($0.notBefore, $0.jobID) < ($1.notBefore, $1.jobID) }
        let plan = planner.planDebtor(portfolio, due: due, now: now)
        portfolio.history = plan.history
        for jobID in plan.withdrawn { waiting[jobID] = nil }
        for (agreement, next) in plan.nextAction { nextAction[agreement] = next }
        var sent: [JobID: (agreement: Identifier, review: Bool)] = [:]
        for contact in plan.sends { sent[contact.jobID] = (contact.agreement, contact.needsReview) }
        for index in portfolio.history.indices where portfolio.history[index].state == .planned {
            guard let (agreement, review) = sent[portfolio.history[index].jobID] else { continue }
            portfolio.history[index].state = review ? .review : .spooled
            waiting[portfolio.history[index].jobID] = agreement
        }
    }

    private mutating func deliver(at now: Date, into delivered: inout [ContactRecord]) {
        for index in portfolio.history.indices {
            let record = portfolio.history[index]
            guard record.state == .spooled, record.notBefore <= now else { continue }
            let inSpool = waiting.removeValue(forKey: record.jobID) != nil
            portfolio.history[index].state = inSpool ? .delivered : .withdrawn
            if inSpool { delivered.append(portfolio.history[index]) }
        }
    }

    /// The next instant something happens to this debtor: the store's `nextActionAt`,
    /// `nextWaitingJob` and `nextExpiry`, and the next recorded event.
    private func nextInstant(after now: Date) -> Date? {
        var next = nextAction.values.min()
        func consider(_ instant: Date) { next = next.map { min($0, instant) } ?? instant }
        for record in portfolio.history {
            if record.state == .spooled { consider(record.notBefore) }
            if [.spooled, .held, .review].contains(record.state), record.notAfter >= now {
                consider(record.notAfter.addingTimeInterval(1))
            }
        }
        if let wake = wakes.first { consider(wake.at) }
        return next
    }
}
