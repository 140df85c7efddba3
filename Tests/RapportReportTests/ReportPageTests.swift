import Foundation
import RapportCore
import Testing

@testable import RapportReport

@Suite("Report page")
struct ReportPageTests {
    let html = (try? ReportPage(figures: ReportGoldenTests.figures).html()) ?? ""

    @Test("Self-contained: no script, nothing fetched, nothing linked")
    func selfContained() {
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for forbidden in ["<script", "src=", "href=", "@import", "<link", "<img", "<iframe", "url(http"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        // The only address is SVG's namespace, which is a name, never fetched.
        let addresses = html.components(separatedBy: "http").count - 1
        #expect(addresses == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1)
        #expect(
            !html.contains("url(") || html.components(separatedBy: "url(").dropFirst().allSatisfy { $0.hasPrefix("#") })
    }

    @Test("Every chart has a title, a description, axis titles and a table under it")
    func chartsAreReadable() {
        let charts = ReportPage(figures: ReportGoldenTests.figures).charts()
        #expect(charts.count == 6)
        for svg in charts {
            #expect(svg.contains("<title id=") && svg.contains("<desc id="), "\(svg.prefix(80))")
            #expect(svg.contains("font-weight=\"bold\""), "axis titles")
            #expect(svg.contains("role=\"img\""))
        }
        for table in ["contacts", "headroom", "arrears-usd", "arrears-eur", "outcomes", "stops", "inbox"] {
            #expect(html.contains("<table data-table=\"\(table)\">"), "\(table)")
        }
        #expect(html.components(separatedBy: "</svg>\n<table").count - 1 == charts.count)
    }

    @Test("The tables carry the figures: each day's channels, the totals, the outcomes and stops")
    func tablesCarryTheFigures() {
        let figures = ReportGoldenTests.figures
        let total = figures.days.reduce(0) { $0 + $1.total }
        #expect(html.contains("<td data-key=\"total\">\(AxisScale.grouped(total))</td></tr></tfoot>"))
        let christmas = "<tr><th scope=\"row\">Fri 2026-12-25 (Christmas Day)</th><td data-key=\"sms\">52</td>"
        #expect(html.contains(christmas))
        #expect(html.contains("<td data-key=\"failed\">23</td>"))
        #expect(html.contains("<td data-key=\"optOut\">19</td>"))
        #expect(html.contains("<td data-key=\"waiting\">3</td>"))
        #expect(html.contains("Over the next 14 days Rapport expects to send \(AxisScale.grouped(total)) messages"))
    }

    @Test("No debtor's own arrears: a band of one or two agreements shows its count, not its amount, nor does a total")
    func smallGroupsHideTheirAmounts() throws {
        // The fixture's EUR arrears are one band of two agreements owing 310.00 together.
        #expect(!html.contains("310.00") && !html.contains("310.0<") && !html.contains(">310<"))
        #expect(html.contains("not shown: fewer than 3 agreements"))
        #expect(html.contains("<th scope=\"row\">total of the amounts shown</th>"))
        // USD's bands all have three agreements or more: every amount and the total are there.
        #expect(html.contains("1820.25") && html.contains(">9450.75</td>"))
    }

    @Test("A book with nothing in it still draws every chart, saying what is empty")
    func emptyBook() throws {
        var figures = ReportGoldenTests.figures
        figures.days = figures.days.map { ReportFigures.Day(date: $0.date) }
        figures.arrears = [:]
        figures.outcomes = Channel.allCases.map { ReportFigures.ChannelOutcomes(channel: $0) }
        figures.stops = StopKind.allCases.map { ReportFigures.StopCount(kind: $0) }
        figures.inboxWaiting = 0
        let html = try ReportPage(figures: figures).html()
        for note in [
            "No message forecast", "No debtor at the cap", "No job ended in the last 30 days", "No stop in force",
        ] {
            #expect(html.contains(note), "\(note)")
        }
        #expect(html.contains("No agreement is in arrears.") && html.contains("No reply waits for a person."))
    }

    @Test("Series differ in texture as well as colour, so they survive greyscale and colour blindness")
    func seriesSurviveGreyscale() {
        for styles in [Array(SeriesStyle.channels.values), Array(SeriesStyle.outcomes.values)] {
            #expect(Set(styles.map { "\($0.texture)" }).count == styles.count)
            #expect(Set(styles.map(\.colour)).count == styles.count)
        }
    }

    @Test("Axes in 1-2-5 steps from 0; arrears age bands at 30, 60, 90 and 180 days")
    func scalesAndBands() {
        #expect(AxisScale(fitting: 0).ticks == [0, 1, 2, 3, 4])
        #expect(AxisScale(fitting: 7).ticks == [0, 2, 4, 6, 8])
        #expect(AxisScale(fitting: 664).maximum == 800 && AxisScale(fitting: 664).step == 200)
        #expect(AxisScale(fitting: 33_345, whole: false).maximum == 40_000)
        #expect(AxisScale.grouped(1_234_567) == "1\u{2009}234\u{2009}567")
        #expect(
            [1, 30, 31, 60, 61, 90, 91, 180, 181, 5_000].map(ReportFigures.ageBand) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    }
}
