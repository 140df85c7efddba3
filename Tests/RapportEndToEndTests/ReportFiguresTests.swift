import Foundation
import RapportCore
import RapportEngine
import RapportReport
import RapportTestSupport
import Testing

/// The report's figures over a small book whose every number is known, on both stores: what
/// the page draws is counted by the code the planner acts with.
@Suite("Report figures")
struct ReportFiguresTests {
    /// Agreements due this many days from today; each with its own phone and e-mail, so an
    /// opt-out or a bounce touches one.
    static let book = [("A-1", -10), ("A-2", -45), ("A-3", -100), ("A-4", -200), ("A-5", 5), ("A-6", 4)]

    static func line(_ id: String, dueInDays days: Int, index: Int) -> String {
        Sandbox.agreementLine(id, zone: "America/Chicago", dueInDays: days)
            .replacingOccurrences(of: "+12145550100", with: "+1214555010\(index)")
            .replacingOccurrences(of: "sam@example.org", with: "\(id.lowercased())@example.org")
    }

    @Test(
        """
        R12 R14 R15 R16 R17 R35: arrears by age band, stops by kind, outcomes and unusable addresses by channel \
        and the inbox are the book's
        """,
        arguments: StoreKind.allCases)
    func figures(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let lines = Self.book.enumerated().map { Self.line($1.0, dueInDays: $1.1, index: $0) }
        #expect(try sandbox.importAgreements(lines).code == 0)
        let hourAgo = Timestamp.rfc3339(Date().addingTimeInterval(-3_600))
        let inTenDays = String(Timestamp.rfc3339(Date().addingTimeInterval(10 * 86_400)).prefix(10))
        let events = [
            #"{"agreement":"A-1","type":"pause","until":"\#(inTenDays)","at":"\#(hourAgo)"}"#,
            #"{"agreement":"A-2","type":"cease","at":"\#(hourAgo)"}"#,
            #"{"agreement":"A-3","type":"bankruptcy","at":"\#(hourAgo)"}"#,
            #"{"agreement":"A-4","type":"breathing_space","at":"\#(hourAgo)"}"#,
            #"{"agreement":"A-5","type":"dispute","at":"\#(hourAgo)"}"#,
            #"{"agreement":"A-5","type":"opt_out","channel":"sms","at":"\#(hourAgo)"}"#,
        ]
        let recorded = try sandbox.run(
            "rapportctl", ["import", "events", try sandbox.file("e.jsonl", events.joined(separator: "\n"))])
        #expect(recorded.code == 0, "\(recorded.err)")
        let inbound = [
            #"{"channel":"email","kind":"bounce","recipient":"a-6@example.org","status":"5.1.1","#
                + #""received_at":"\#(hourAgo)"}"#,
            #"{"channel":"sms","from":"+13125550199","text":"Who is this?","received_at":"\#(hourAgo)"}"#,
        ]
        #expect(try sandbox.run("rapportctl", ["inbound", "-"], stdin: inbound.joined(separator: "\n")).code == 0)

        let engine = try await sandbox.openEngine()
        _ = try await engine.tick(at: Date())
        // What delivery tools would report: the first job delivered, the rest failed.
        let jobs = try await engine.store.jobs(in: .spooled)
        #expect(!jobs.isEmpty)
        try await engine.store.setState(.delivered, of: jobs.prefix(1).map(\.id), at: Date())
        try await engine.store.setState(.failed, of: jobs.dropFirst().map(\.id), at: Date())

        let later = Date().addingTimeInterval(3 * 86_400)
        let tally = ForecastTally(firstDay: LocalDate(String(Timestamp.rfc3339(later).prefix(10)))!, days: 7)
        let figures = try await ReportFigures.gather(
            from: engine.store, planner: engine.planner, forecast: tally, now: later)

        #expect(figures.debtors == 6 && figures.agreements == 6)
        let usd = try #require(figures.arrears["USD"])
        #expect(usd.map(\.agreements) == [1, 1, 0, 1, 1])
        #expect(usd.map(\.amount.description) == ["50.00", "50.00", "0.00", "50.00", "50.00"])
        let stops = Dictionary(uniqueKeysWithValues: figures.stops.map { ($0.kind, $0.agreements) })
        #expect(
            stops == [
                .cease: 1, .attorney: 0, .dispute: 1, .bankruptcy: 1, .deceased: 0, .breathingSpace: 1, .hardship: 0,
                .optOut: 1, .pause: 1,
            ])
        var stored: [String: Int] = [:]
        for (key, count) in try sandbox.pairs(
            "SELECT channel || '/' || state, CAST(count(*) AS TEXT) FROM job GROUP BY 1")
        {
            stored[key] = Int(count)
        }
        for outcomes in figures.outcomes {
            for outcome in [ReportFigures.Outcome.delivered, .failed] {
                #expect(
                    outcomes.counts[outcome] ?? 0 == stored["\(outcomes.channel.rawValue)/\(outcome.rawValue)"] ?? 0,
                    "\(outcomes.channel) \(outcome)")
            }
        }
        #expect(figures.outcomes.reduce(0) { $0 + $1.counts.values.reduce(0, +) } == jobs.count)
        #expect(figures.outcomes.map(\.unusableAddresses) == [0, 1, 0, 0])
        #expect(figures.inboxWaiting == 1)
        #expect(figures.inboxOldest == Timestamp.parse(hourAgo))
    }
}
