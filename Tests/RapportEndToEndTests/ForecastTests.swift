import Foundation
import Logging
import RapportCore
import RapportEngine
import RapportStorage
import Testing

/// `forecast` in memory (`Forecast`, one `DebtorTimeline` a debtor) against the engine's
/// simulation over a copy of the database: the same jobs, or the forecast is wrong.
@Suite("Forecast", .serialized)
struct ForecastTests {
    /// A delivered job, as both ways of forecasting can tell it.
    struct Delivered: Comparable, CustomStringConvertible {
        var id: JobID
        var notBefore: Date
        var channel: Channel
        var kind: ContactKind

        static func < (a: Self, b: Self) -> Bool { (a.notBefore, a.id) < (b.notBefore, b.id) }
        var description: String { "\(Timestamp.rfc3339(notBefore)) \(channel.rawValue) \(kind.rawValue) \(id)" }
    }

    @Test(
        """
        forecast in memory delivers, job for job, what the simulation over the database delivers: live waiting jobs, \
        review (R15) and its expiry, recorded future events, pauses (R17), adjustments, withdrawals (R18)
        """,
        arguments: [3, 17] as [UInt64])
    func sameAsSimulation(seed: UInt64) async throws {
        let sandbox = try Sandbox(extraConfig: "[cadences.gentle]\nmissed_grace_days = 5\nfollow_up_days = 14")
        let engine = try await sandbox.openEngine()
        let from = try #require(Timestamp.parse("2026-12-01T00:00:00Z"))
        let until = from.addingTimeInterval(30 * 86_400)
        let generator = SyntheticPortfolio(seed: seed, today: from)
        var agreements: [Agreement] = []
        var events: [Event] = []
        var random = SplitMix64(seed: seed)
        for index in 0..<240 {
            let (agreement, past) = generator.entry(index)
            agreements.append(agreement)
            events += past
            switch random.next() % 10 {
            case 0:
                // R15: every message waits in review/ for a person, and nobody approves it here.
                events.append(Event(agreement: agreement.id, type: .vulnerable, at: from.addingTimeInterval(-86_400)))
            case 1, 2:
                // Recorded before the run, dated in it: it takes effect when the clock gets there.
                let at = from.addingTimeInterval(Double(3_600 * (1 + random.next() % (24 * 25))))
                events.append(Event(agreement: agreement.id, type: .payment, at: at, amount: Money(hundredths: 2_500)))
            case 3:
                // R17: an operator's pause that ends during the run.
                events.append(
                    Event(
                        agreement: agreement.id, type: .pause, at: from.addingTimeInterval(-86_400),
                        until: LocalDate("2026-12-09")))
            default: break
            }
        }
        let recorded = from.addingTimeInterval(-3 * 86_400)
        _ = try await engine.store.upsert(agreements, at: recorded)
        _ = try await engine.store.append(events, at: recorded)
        // Operators' adjustments: another cadence, a preferred time, a longer gap (R8).
        for agreement in agreements.prefix(30) {
            let adjustment: Adjustment =
                switch random.next() % 3 {
                case 0: Adjustment(cadence: "gentle")
                case 1: Adjustment(preferredTime: LocalTime("18:30"))
                default: Adjustment(minGapHours: 96)
                }
            try await engine.store.adjust(agreement.id, adjustment, reason: "test", at: recorded)
        }
        // The live spool holds jobs when the forecast starts, one of them claimed by a delivery tool.
        let live = try await engine.tick(at: from.addingTimeInterval(-6 * 3_600))
        #expect(!live.spooled.isEmpty)
        let claimed = try #require(try await engine.store.jobs(in: .spooled).first)
        try await engine.store.setState(.claimed, of: [claimed.id], at: from.addingTimeInterval(-3_600))
        #expect(try await !engine.store.jobs(in: .review).isEmpty, "R15: some jobs wait in review/ for a person")

        var simulated: [Delivered] = []
        _ = try await Simulation(settings: engine.settings, from: from, until: until, rendersText: false).run(
            copying: engine.store, logger: Logger(label: "forecast")
        ) { job in
            simulated.append(Delivered(id: job.id, notBefore: job.notBefore, channel: job.channel, kind: job.kind))
        }
        var forecast: [Delivered] = []
        let count = try await Forecast(planner: engine.planner, from: from, until: until).run(over: engine.store) {
            _, jobs in
            forecast += jobs.map {
                Delivered(id: $0.jobID, notBefore: $0.notBefore, channel: $0.channel, kind: $0.kind)
            }
        }
        #expect(count == forecast.count)
        #expect(simulated.count > 300)
        let (expected, got) = (simulated.sorted(), forecast.sorted())
        #expect(got == expected)
        if got != expected {
            let missing = Set(expected.map(\.description)).subtracting(got.map(\.description)).sorted()
            let extra = Set(got.map(\.description)).subtracting(expected.map(\.description)).sorted()
            Issue.record("only simulated: \(missing.prefix(5)); only forecast: \(extra.prefix(5))")
        }
    }

    @Test("With per-minute channel limits (R11) debtors share capacity: forecast runs the whole simulation instead")
    func limitsShareCapacity() async throws {
        #expect(Forecast.isExact(for: Policy()))
        var limited = Policy()
        limited.ratePerMinute = [.sms: 2]
        #expect(!Forecast.isExact(for: limited))
        let sandbox = try Sandbox(extraConfig: "[channels]\nrate_per_minute = { sms = 2 }")
        let lines = (0..<6).map { Sandbox.agreementLine("A-\($0)", zone: "Asia/Tokyo", dueInDays: 3) }
        try sandbox.run(
            "rapportctl", ["import", "agreements", try sandbox.file("a.jsonl", lines.joined(separator: "\n"))])
        let json = try sandbox.run("rapportctl", ["forecast", "--days", "7", "--json"])
        #expect(json.code == 0, "\(json.err)")
        let totals = try json.out.split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["total"] as? Int ?? 0
        }
        #expect(totals.count == 7)
        #expect(totals.reduce(0, +) >= 6, "every reminder is forecast")
    }
}
