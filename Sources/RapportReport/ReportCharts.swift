import Foundation
import RapportCore

/// The report's charts, each with the table a screen reader or a spreadsheet reads instead.
struct ReportChart {
    /// A table's cell: its text, and a key a test finds it by.
    struct Cell {
        let text: String
        let key: String
    }

    /// A row: its heading cell and its cells.
    struct Row {
        let head: String
        let cells: [Cell]
    }

    let svg: String
    /// The table's name, as `data-table`.
    let table: String
    let caption: String
    let header: [String]
    let rows: [Row]
    /// The totals row, if the table has one.
    let total: Row?

    /// The figure as the template reads it.
    var context: [String: Any] {
        func row(_ row: Row) -> [String: Any] {
            ["head": row.head, "cells": row.cells.map { ["text": $0.text, "key": $0.key] }]
        }
        var context: [String: Any] = [
            "svg": svg, "table": table, "caption": caption, "header": header, "rows": rows.map(row),
        ]
        if let total { context["total"] = row(total) }
        return context
    }
}

extension ReportChart {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let weekdayNames: [Weekday: String] = [
        .mon: "Mon", .tue: "Tue", .wed: "Wed", .thu: "Thu", .fri: "Fri", .sat: "Sat", .sun: "Sun",
    ]

    /// "Tue 2026-12-08".
    static func caption(_ date: LocalDate) -> String { "\(weekdayNames[date.weekday] ?? "") \(date)" }

    static func count(_ value: Int) -> String { AxisScale.grouped(value) }

    /// A forecast day's column: its day of the month, the month's name where a month (or the
    /// chart) starts, and its weekend or holiday.
    static func column(_ day: ReportFigures.Day, first: Bool, values: [Int]) -> ColumnChart.Column {
        ColumnChart.Column(
            label: String(day.date.day),
            group: first || day.date.day == 1 ? "\(monthNames[day.date.month - 1]) \(day.date.year)" : nil,
            caption: caption(day.date), isWeekend: day.isWeekend, holiday: day.holiday, values: values)
    }

    /// Messages per day for the forecast days, stacked by channel.
    static func contacts(_ figures: ReportFigures) -> ReportChart {
        let frame = ChartFrame(
            id: "contacts", chart: "contacts", title: "Messages per day, next \(figures.days.count) days",
            description: "Stacked columns: messages Rapport expects to send each UTC day, by channel; "
                + "weekends and holidays shaded.",
            xTitle: "Day (UTC)", yTitle: "Messages",
            series: Channel.allCases.compactMap { SeriesStyle.channels[$0] })
        let columns = figures.days.enumerated().map { index, day in
            column(day, first: index == 0, values: Channel.allCases.map { day.contacts[$0] ?? 0 })
        }
        let svg = ColumnChart(frame: frame, columns: columns, emptyNote: "No message forecast").svg()
        let rows = figures.days.map { day in
            Row(
                head: caption(day.date) + (day.holiday.map { " (\($0))" } ?? ""),
                cells: Channel.allCases.map { Cell(text: count(day.contacts[$0] ?? 0), key: $0.rawValue) }
                    + [Cell(text: count(day.total), key: "total")])
        }
        let total = Row(
            head: "total",
            cells: Channel.allCases.map { channel in
                Cell(text: count(figures.days.reduce(0) { $0 + ($1.contacts[channel] ?? 0) }), key: channel.rawValue)
            } + [Cell(text: count(figures.days.reduce(0) { $0 + $1.total }), key: "total")])
        return ReportChart(
            svg: svg, table: "contacts", caption: "Messages per day and channel",
            header: ["Day (UTC)"] + Channel.allCases.compactMap { SeriesStyle.channels[$0]?.name } + ["total"],
            rows: rows, total: total)
    }

    /// Debtors at the weekly cap, per forecast day.
    static func headroom(_ figures: ReportFigures) -> ReportChart {
        let frame = ChartFrame(
            id: "headroom", chart: "headroom", title: "Debtors at the weekly cap of \(figures.weeklyCap) contacts",
            description: "Columns: debtors whose contacts in the seven days ending each day reach the weekly "
                + "cap (R8), so nothing more can be sent to them that week.",
            xTitle: "Day (UTC)", yTitle: "Debtors at the cap", series: [SeriesStyle.single])
        let columns = figures.days.enumerated().map { index, day in
            column(day, first: index == 0, values: [day.atCap])
        }
        let svg = ColumnChart(frame: frame, columns: columns, emptyNote: "No debtor at the cap").svg()
        let rows = figures.days.map { day in
            Row(
                head: caption(day.date),
                cells: [
                    Cell(text: count(day.atCap), key: "at-cap"),
                    Cell(text: count(max(0, figures.debtors - day.atCap)), key: "below-cap"),
                ])
        }
        return ReportChart(
            svg: svg, table: "headroom", caption: "Debtors at and below the weekly cap",
            header: ["Day (UTC)", "at the cap", "below it"], rows: rows, total: nil)
    }

    /// Arrears by age band in one currency; a band of fewer than `smallestGroup` agreements
    /// shows its count and no amount.
    static func arrears(_ bands: [ReportFigures.AgeBand], currency: String) -> ReportChart {
        let frame = ChartFrame(
            id: "arrears-\(currency.lowercased())", chart: "arrears",
            title: "Arrears by age, \(currency)",
            description: "Bars: the amount overdue in \(currency), by days since the oldest unpaid installment.",
            xTitle: "Amount overdue (\(currency))", yTitle: "Days overdue", series: [SeriesStyle.single])
        let hidden = "not shown: fewer than \(ReportFigures.smallestGroup) agreements"
        let rows = bands.map { band in
            band.amountShown
                ? BarChart.Row(
                    label: band.label, values: [Double(band.amount.description) ?? 0],
                    shown: [band.amount.description], total: "\(band.amount) (\(count(band.agreements)))")
                : BarChart.Row(label: band.label, values: [0], shown: [""], total: "\(hidden) (\(band.agreements))")
        }
        let svg = BarChart(frame: frame, rows: rows, emptyNote: "Nothing overdue").svg()
        let partial = bands.contains { !$0.amountShown }
        let total = Row(
            head: partial ? "total of the amounts shown" : "total",
            cells: [
                Cell(text: count(bands.reduce(0) { $0 + $1.agreements }), key: "agreements"),
                Cell(text: ReportFigures.shownTotal(bands).description, key: "amount"),
            ])
        return ReportChart(
            svg: svg, table: "arrears-\(currency.lowercased())", caption: "Arrears by age in \(currency)",
            header: ["Days overdue", "agreements", "amount (\(currency))"],
            rows: bands.map {
                Row(
                    head: $0.label,
                    cells: [
                        Cell(text: count($0.agreements), key: "agreements"),
                        Cell(text: $0.amountShown ? "\($0.amount)" : hidden, key: "amount"),
                    ])
            }, total: total)
    }

    /// How the last 30 days' jobs ended, by channel, with the addresses unusable now.
    static func outcomes(_ figures: ReportFigures) -> ReportChart {
        let frame = ChartFrame(
            id: "outcomes", chart: "outcomes", title: "Delivery outcomes, last 30 days",
            description: "Stacked bars: jobs of the last 30 days per channel, by how they ended.",
            xTitle: "Jobs", yTitle: "Channel",
            series: ReportFigures.Outcome.allCases.compactMap { SeriesStyle.outcomes[$0] })
        let rows = figures.outcomes.map { outcomes in
            let values = ReportFigures.Outcome.allCases.map { outcomes.counts[$0] ?? 0 }
            return BarChart.Row(
                label: SeriesStyle.channels[outcomes.channel]?.name ?? outcomes.channel.rawValue,
                values: values.map(Double.init), shown: values.map(count), total: count(values.reduce(0, +)))
        }
        let svg = BarChart(frame: frame, rows: rows, emptyNote: "No job ended in the last 30 days").svg()
        return ReportChart(
            svg: svg, table: "outcomes", caption: "Jobs of the last 30 days by outcome, and unusable addresses",
            header: ["Channel"] + ReportFigures.Outcome.allCases.map(\.rawValue) + ["unusable addresses"],
            rows: figures.outcomes.map { outcomes in
                Row(
                    head: SeriesStyle.channels[outcomes.channel]?.name ?? outcomes.channel.rawValue,
                    cells: ReportFigures.Outcome.allCases.map {
                        Cell(text: count(outcomes.counts[$0] ?? 0), key: $0.rawValue)
                    } + [Cell(text: count(outcomes.unusableAddresses), key: "unusable")])
            }, total: nil)
    }

    /// Agreements under each kind of stop.
    static func stops(_ figures: ReportFigures) -> ReportChart {
        let frame = ChartFrame(
            id: "stops", chart: "stops", title: "Stops in force",
            description: "Bars: agreements under each kind of stop.",
            xTitle: "Agreements", yTitle: "Stop", series: [SeriesStyle.single])
        let rows = figures.stops.map {
            BarChart.Row(
                label: $0.kind.label, values: [Double($0.agreements)], shown: [count($0.agreements)],
                total: count($0.agreements))
        }
        let svg = BarChart(frame: frame, rows: rows, emptyNote: "No stop in force").svg()
        return ReportChart(
            svg: svg, table: "stops", caption: "Agreements under each kind of stop", header: ["Stop", "agreements"],
            rows: figures.stops.map {
                Row(head: $0.kind.label, cells: [Cell(text: count($0.agreements), key: $0.kind.rawValue)])
            }, total: nil)
    }
}
