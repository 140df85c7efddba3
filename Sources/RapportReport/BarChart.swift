import Foundation

/// Horizontal bars, one per row, stacked by series, with each row's total at its end: for
/// categories with long names (an age band, a kind of stop, a channel).
struct BarChart {
    struct Row {
        let label: String
        /// One value per series.
        let values: [Double]
        /// How each value reads (a count, or an exact amount).
        let shown: [String]
        /// What the row adds up to, at the bar's end.
        let total: String
    }

    let frame: ChartFrame
    let rows: [Row]
    let emptyNote: String

    static let width = 680.0
    static let rowHeight = 26.0

    func svg() -> String {
        let top = frame.series.count > 1 ? 34.0 : 12.0
        var canvas = SVGCanvas(width: Self.width, height: top + Double(rows.count) * Self.rowHeight + 46)
        let plot = (x: 230.0, y: top, width: Self.width - 230 - 70, height: Double(rows.count) * Self.rowHeight)
        canvas.raw(frame.definitions())
        if frame.series.count > 1 { frame.legend(on: &canvas, x: plot.x, y: 16) }
        let scale = AxisScale(
            fitting: rows.map { $0.values.reduce(0, +) }.max() ?? 0,
            whole: rows.allSatisfy { row in
                row.values.allSatisfy { $0 == $0.rounded() }
            })
        for tick in scale.ticks {
            let x = plot.x + tick / scale.maximum * plot.width
            canvas.line(x1: x, y1: plot.y, x2: x, y2: plot.y + plot.height, stroke: "#c8c8c8", dashed: tick > 0)
            canvas.text(scale.label(tick), x: x, y: plot.y + plot.height + 14, anchor: "middle", size: 10)
        }
        for (index, row) in rows.enumerated() {
            let y = plot.y + Double(index) * Self.rowHeight
            canvas.text(row.label, x: plot.x - 8, y: y + Self.rowHeight / 2 + 4, anchor: "end", size: 10.5)
            var x = plot.x
            for (series, value) in row.values.enumerated() where value > 0 {
                let width = value / scale.maximum * plot.width
                let name = frame.series[series].name
                canvas.rect(
                    x: x, y: y + Self.rowHeight * 0.18, width: width, height: Self.rowHeight * 0.64,
                    fill: frame.fill(series),
                    label: "\(row.label): \(row.shown[series])\(name.isEmpty ? "" : " \(name)")",
                    value: row.shown[series], series: name.isEmpty ? nil : name)
                x += width
            }
            canvas.text(row.total, x: x + 5, y: y + Self.rowHeight / 2 + 4, size: 10)
        }
        canvas.line(x1: plot.x, y1: plot.y, x2: plot.x, y2: plot.y + plot.height, stroke: "#444")
        if rows.allSatisfy({ $0.values.allSatisfy { $0 == 0 } }) {
            canvas.text(
                emptyNote, x: plot.x + plot.width / 2, y: plot.y + plot.height / 2 + 4, anchor: "middle", size: 12)
        }
        frame.axisTitles(on: &canvas, plot: plot)
        return frame.rendered(canvas)
    }
}
