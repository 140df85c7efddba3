import Foundation
import Mustache
import RapportCore

/// The operator's report as one self-contained HTML page: inline SVG charts, each with its
/// table, and a summary in words first — no script, no font, no image, no link to fetch, so
/// it opens from a mail attachment or a USB stick and prints on A4 or Letter alike.
public struct ReportPage: Sendable {
    public let figures: ReportFigures

    public init(figures: ReportFigures) { self.figures = figures }

    /// The page.
    public func html() -> String {
        // The template is ours and fixed: it parses, which the golden test sees on every run.
        guard let template = try? MustacheTemplate(string: ReportTemplate.page) else { return "" }
        return template.render(context)
    }

    /// The SVG of every chart, in page order: what the golden test compares.
    public func charts() -> [String] { sections.flatMap { $0.charts.map(\.svg) } }

    private struct Section {
        let id: String
        let heading: String
        let intro: String
        let charts: [ReportChart]
        var note: String? = nil
    }

    private var sections: [Section] {
        let summary = ReportSummary(figures: figures)
        return [
            Section(
                id: "contacts", heading: "Messages in the next \(figures.days.count) days", intro: summary.contacts,
                charts: [ReportChart.contacts(figures)]),
            Section(
                id: "headroom", heading: "Pacing headroom", intro: summary.headroom,
                charts: [ReportChart.headroom(figures)]),
            Section(
                id: "arrears", heading: "Arrears ageing", intro: summary.arrears,
                charts: figures.arrears.keys.sorted().compactMap { currency in
                    figures.arrears[currency].map { ReportChart.arrears($0, currency: currency) }
                }),
            Section(
                id: "outcomes", heading: "Delivery, last 30 days", intro: summary.outcomes,
                charts: [ReportChart.outcomes(figures)]),
            Section(id: "stops", heading: "Stops in force", intro: summary.stops, charts: [ReportChart.stops(figures)]),
            Section(id: "inbox", heading: "Inbox", intro: summary.inbox, charts: []),
        ]
    }

    private var context: [String: Any] {
        let summary = ReportSummary(figures: figures)
        return [
            "generated": Timestamp.rfc3339(figures.generatedAt),
            "book":
                "\(AxisScale.grouped(figures.debtors)) debtors, \(AxisScale.grouped(figures.agreements)) agreements",
            "period": summary.period,
            "summary": summary.lines,
            "inboxWaiting": figures.inboxWaiting,
            "inboxOldest": figures.inboxOldest.map(Timestamp.rfc3339) ?? "none",
            "sections": sections.map { section in
                [
                    "id": section.id, "heading": section.heading, "intro": section.intro,
                    "charts": section.charts.map(\.context), "isInbox": section.id == "inbox",
                ] as [String: Any]
            },
        ]
    }
}
