import Foundation
import RapportCore
import Testing

@testable import RapportReport

/// The report's charts for a fixed book, kept byte for byte in `Golden/`: a change to the
/// drawing shows in review as a changed SVG, opened side by side with the old one. After an
/// intended change, `RAPPORT_UPDATE_GOLDEN=1 swift test --filter ReportGolden` rewrites them.
@Suite("Report golden SVG")
struct ReportGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// A small fixed book: two weeks with a holiday and weekends, arrears in two currencies,
    /// failures, stops and an inbox.
    static let figures: ReportFigures = {
        let first = LocalDate("2026-12-21")!
        let days = (0..<14).map { index in
            let date = first.adding(days: index)
            return ReportFigures.Day(
                date: date,
                contacts: date.weekday == .sun
                    ? [:]
                    : [.sms: 40 + index * 3, .email: 25 + index % 4, .voice: index % 3, .letter: index == 2 ? 4 : 0],
                atCap: [0, 2, 5, 9, 12, 12, 10, 7, 7, 11, 14, 13, 9, 6][index],
                holiday: date == LocalDate("2026-12-25") ? "Christmas Day" : nil)
        }
        var usd = ReportFigures.ageBands.map { ReportFigures.AgeBand(label: $0.label) }
        usd[0] = ReportFigures.AgeBand(label: usd[0].label, agreements: 31, amount: Money("4650.00")!)
        usd[1] = ReportFigures.AgeBand(label: usd[1].label, agreements: 12, amount: Money("2980.50")!)
        usd[3] = ReportFigures.AgeBand(label: usd[3].label, agreements: 4, amount: Money("1820.25")!)
        var eur = ReportFigures.ageBands.map { ReportFigures.AgeBand(label: $0.label) }
        eur[2] = ReportFigures.AgeBand(label: eur[2].label, agreements: 2, amount: Money("310.00")!)
        return ReportFigures(
            generatedAt: Date(timeIntervalSince1970: 1_797_843_600), debtors: 640, agreements: 700, weeklyCap: 3,
            days: days, arrears: ["USD": usd, "EUR": eur],
            outcomes: [
                ReportFigures.ChannelOutcomes(
                    channel: .sms, counts: [.delivered: 812, .failed: 23, .expired: 4, .withdrawn: 17],
                    unusableAddresses: 6),
                ReportFigures.ChannelOutcomes(
                    channel: .email, counts: [.delivered: 530, .failed: 41, .withdrawn: 9], unusableAddresses: 11),
                ReportFigures.ChannelOutcomes(channel: .voice, counts: [.delivered: 12, .failed: 30]),
                ReportFigures.ChannelOutcomes(channel: .letter, counts: [.delivered: 8]),
            ],
            stops: StopKind.allCases.enumerated().map {
                ReportFigures.StopCount(kind: $1, agreements: [3, 1, 4, 0, 1, 2, 5, 19, 7][$0])
            },
            inboxWaiting: 3, inboxOldest: Date(timeIntervalSince1970: 1_797_800_000))
    }()

    static let names = ["contacts", "headroom", "arrears-eur", "arrears-usd", "outcomes", "stops"]

    @Test("Each chart of a fixed book is the SVG kept in Golden/")
    func goldenCharts() throws {
        let charts = ReportPage(figures: Self.figures).charts()
        #expect(charts.count == Self.names.count)
        let update = ProcessInfo.processInfo.environment["RAPPORT_UPDATE_GOLDEN"] == "1"
        for (name, svg) in zip(Self.names, charts) {
            let file = Self.folder.appendingPathComponent("\(name).svg")
            if update { try (svg + "\n").write(to: file, atomically: true, encoding: .utf8) }
            let kept = Array(try String(contentsOf: file, encoding: .utf8).utf8)
            let drawn = Array((svg + "\n").utf8)
            let first = kept.indices.first { $0 >= drawn.count || kept[$0] != drawn[$0] } ?? kept.count
            func around(_ bytes: [UInt8]) -> String {
                String(decoding: bytes.dropFirst(first).prefix(60), as: UTF8.self)
            }
            let same = kept == drawn
            #expect(
                same,
                """
                \(name).svg differs from byte \(first): kept "\(around(kept))", drawn "\(around(drawn))"; \
                if intended, RAPPORT_UPDATE_GOLDEN=1 rewrites it
                """)
        }
    }
}
