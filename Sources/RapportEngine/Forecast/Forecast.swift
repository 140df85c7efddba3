import Foundation
import RapportCore
import RapportStorage

/// `rapportctl forecast`: the jobs the engine would deliver from `from` through `until`, with
/// nothing new recorded meanwhile, worked out in memory, one debtor at a time, on every core.
///
/// It reads the live database (each debtor's rows in one read, as a tick does) and writes
/// nothing anywhere. It gives what `Simulation` gives over the same records — each debtor's
/// `DebtorTimeline` does in memory what the simulated ticks do to that debtor — but only while
/// debtors share nothing: with per-minute channel limits (R11) they share each minute's
/// capacity, so `isExact(for:)` is false and a forecast runs `Simulation` instead.
public struct Forecast: Sendable {
    /// Where the run is, for progress lines.
    public struct Progress: Sendable {
        /// Debtors forecast so far, of `total`.
        public var debtors: Int
        /// Every debtor in the records.
        public var total: Int
        /// Jobs delivered so far.
        public var jobs: Int
        /// Seconds since the run began.
        public var elapsed: TimeInterval
    }

    /// How many debtors are read and planned together: enough to keep every core busy, few
    /// enough that a forecast of millions holds little in memory.
    static let chunk = 1_024

    /// The planner of the live engine (its policy: the config's).
    public let planner: Planner
    /// Where the forecast starts: every agreement is planned then, as a simulation's are.
    public let from: Date
    /// The last instant forecast.
    public let until: Date

    /// A forecast from `from` through `until` with `planner`.
    public init(planner: Planner, from: Date, until: Date) {
        self.planner = planner
        self.from = from
        self.until = until
    }

    /// Whether debtors are independent under `policy`, so a forecast may run them apart.
    public static func isExact(for policy: Policy) -> Bool { policy.ratePerMinute.isEmpty }

    /// Runs the forecast over `store`, handing each debtor's delivered jobs to `deliver` with
    /// the debtor (debtor by debtor, each one's in the order they went out) and `progress`
    /// every few seconds.
    /// - Returns: how many jobs were delivered.
    @discardableResult
    public func run(
        over store: any Store, progress: (Progress) -> Void = { _ in },
        deliver: (_ debtor: Identifier, _ jobs: [ContactRecord]) -> Void
    ) async throws(StoreError) -> Int {
        let total = try await store.debtorCount()
        let liveWaiting = try await store.agreementsOfJobs(in: [.planned, .spooled, .held])
        var wakes: [Identifier: [(agreement: Identifier, at: Date)]] = [:]
        for wake in try await store.eventTimes(after: from) { wakes[wake.agreement, default: []].append(wake) }
        let started = Date()
        var lastProgress = started
        var jobs = 0
        var done = 0
        var chunk: [Identifier] = []
        while true {
            chunk = try await store.debtors(after: chunk.last, limit: Self.chunk)
            guard !chunk.isEmpty else { break }
            let portfolios = try await store.portfolios(of: chunk)
            // A forecast over a record it cannot read would be wrong: it stops, naming the row.
            var timelines: [DebtorTimeline] = []
            var debtors: [Identifier] = []
            for debtor in chunk {
                guard let portfolio = try portfolios[debtor]?.get() else { continue }
                debtors.append(debtor)
                timelines.append(
                    DebtorTimeline(
                        portfolio: portfolio, liveWaiting: liveWaiting,
                        wakes: portfolio.agreements.flatMap { wakes[$0.id] ?? [] }))
            }
            let (planner, from, until) = (planner, from, until)
            let delivered = timelines.concurrentMap { timeline in
                var timeline = timeline
                return timeline.run(planner: planner, from: from, until: until)
            }
            for (debtor, jobsOfDebtor) in zip(debtors, delivered) {
                jobs += jobsOfDebtor.count
                deliver(debtor, jobsOfDebtor)
            }
            done += chunk.count
            if Date().timeIntervalSince(lastProgress) >= 2 {
                lastProgress = Date()
                progress(
                    Progress(
                        debtors: done, total: total, jobs: jobs, elapsed: lastProgress.timeIntervalSince(started)))
            }
        }
        return jobs
    }
}
