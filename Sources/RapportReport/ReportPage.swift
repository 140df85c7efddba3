import Foundation
import Mustache
import RapportCore

/// The operator's report as one self-contained HTML page: inline SVG charts, each with its
/// table, and a summary in words first — no script, no font, no image, no link to fetch, so
/// it opens from a mail attachment or a USB stick and prints on A4 or Letter alike.
public struct ReportPage: Sendable {
    public let figures: ReportFigures

    public init(figures: ReportFigures) { self.figures = figures }

    /// The page. The template is ours and fixed, so it fails to parse only in a build whose
    /// template was broken: the page tests see that on every run, and the command says so.
    public func html() throws -> String {
        try MustacheTemplate(string: ReportTemplate.page).render(context)
    }

    /// The SVG of every chart, in page order: what the golden test compares.
    public func charts() -> [String] { sections.flatMap { $0.charts.map(\.svg) } }

    private struct Section {
        let id: String
        let heading: String
        let intro: String
        let charts: [ReportChart]
    }

    private var sections: [Section] {
        [
            Section(
                id: "contacts", heading: "Messages in the next \(figures.days.count) days",
                intro: "Each column is a UTC day, stacked by channel; weekends are shaded grey and the policy's "
                    + "holidays hatched. Nothing not yet recorded is assumed: no payment, no reply.",
                charts: [ReportChart.contacts(figures)]),
            Section(
                id: "headroom", heading: "Pacing headroom",
                intro:
                    "Each column counts the debtors who have had or will have \(figures.weeklyCap) paced contacts in "
                    + "the seven days ending that day (R8): they cannot be reached again that week, whatever happens.",
                charts: [ReportChart.headroom(figures)]),
            Section(
                id: "arrears", heading: "Arrears ageing",
                intro: "Per currency, what is overdue, by days since the oldest unpaid installment's due date; each "
                    + "bar ends with the amount and, in brackets, the number of agreements.",
                charts: figures.arrears.keys.sorted().compactMap { currency in
                    figures.arrears[currency].map { ReportChart.arrears($0, currency: currency) }
                }),
            Section(
                id: "outcomes", heading: "Delivery, last 30 days",
                intro: "Jobs due in the last 30 days, per channel, by how they ended; jobs still waiting or in a "
                    + "tool's hands are not counted. Unusable addresses bounced permanently or kept failing (R35).",
                charts: [ReportChart.outcomes(figures)]),
            Section(
                id: "stops", heading: "Stops in force",
                intro: "Agreements under each kind of stop today; an agreement under two kinds counts under each.",
                charts: [ReportChart.stops(figures)]),
            Section(id: "inbox", heading: "Inbox", intro: ReportSummary(figures: figures).inbox, charts: []),
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
