import Foundation

/// Columns of stacked series over days, with weekends and holidays shaded behind them: the
/// shape of the coming month at a glance.
struct ColumnChart {
    /// One day's column.
    struct Column {
        /// Under the column: the day of the month.
        let label: String
        /// Under the label where a month starts: its name.
        let group: String?
        /// The day in words, for tooltips: "Tue 2026-12-08".
        let caption: String
        let isWeekend: Bool
        let holiday: String?
        /// One value per series.
        let values: [Int]
    }

    let frame: ChartFrame
    let columns: [Column]
    /// Said in the middle when every value is 0, so an empty chart is not a blank one.
    let emptyNote: String

    static let width = 680.0
    static let height = 290.0

    func svg() -> String {
        var canvas = SVGCanvas(width: Self.width, height: Self.height)
        let plot = (x: 56.0, y: 36.0, width: Self.width - 56 - 10, height: Self.height - 36 - 62)
        let step = plot.width / Double(max(columns.count, 1))
        let holidayPattern =
            "<pattern id=\"\(frame.id)-holiday\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\">"
            + "<rect width=\"8\" height=\"8\" fill=\"#e0e0e0\"/><path d=\"M0 8 L8 0\" stroke=\"#9a9a9a\"/></pattern>"
        canvas.raw(frame.definitions(holidayPattern))
        frame.legend(
            on: &canvas, x: plot.x, y: 16,
            extra: [("#efefef", "weekend"), ("url(#\(frame.id)-holiday)", "holiday")])
        for (index, column) in columns.enumerated() where column.isWeekend || column.holiday != nil {
            canvas.rect(
                x: plot.x + Double(index) * step, y: plot.y, width: step, height: plot.height,
                fill: column.holiday != nil ? "url(#\(frame.id)-holiday)" : "#efefef",
                label: column.holiday.map { "\(column.caption): \($0)" } ?? "\(column.caption): weekend")
        }
        let scale = AxisScale(fitting: Double(columns.map { $0.values.reduce(0, +) }.max() ?? 0))
        for tick in scale.ticks {
            let y = plot.y + plot.height - tick / scale.maximum * plot.height
            canvas.line(x1: plot.x, y1: y, x2: plot.x + plot.width, y2: y, stroke: "#c8c8c8", dashed: tick > 0)
            canvas.text(scale.label(tick), x: plot.x - 5, y: y + 4, anchor: "end", size: 10)
        }
        drawColumns(on: &canvas, plot: plot, step: step, scale: scale)
        drawLabels(on: &canvas, plot: plot, step: step)
        canvas.line(x1: plot.x, y1: plot.y, x2: plot.x, y2: plot.y + plot.height, stroke: "#444")
        if columns.allSatisfy({ $0.values.allSatisfy { $0 == 0 } }) {
            canvas.text(emptyNote, x: plot.x + plot.width / 2, y: plot.y + plot.height / 2, anchor: "middle", size: 13)
        }
        frame.axisTitles(on: &canvas, plot: plot)
        return frame.rendered(canvas)
    }

    private func drawColumns(
        on canvas: inout SVGCanvas, plot: (x: Double, y: Double, width: Double, height: Double), step: Double,
        scale: AxisScale
    ) {
        let barWidth = max(step * 0.72, 1)
        for (index, column) in columns.enumerated() {
            var top = plot.y + plot.height
            for (series, value) in column.values.enumerated() where value > 0 {
                let height = Double(value) / scale.maximum * plot.height
                let name = frame.series[series].name
                top -= height
                canvas.rect(
                    x: plot.x + Double(index) * step + (step - barWidth) / 2, y: top, width: barWidth, height: height,
                    fill: frame.fill(series), label: "\(column.caption): \(value)\(name.isEmpty ? "" : " \(name)")",
                    value: String(value), series: name.isEmpty ? nil : name)
            }
        }
    }

    /// Day numbers under the axis (every day while they fit, else every few), month names under them.
    private func drawLabels(
        on canvas: inout SVGCanvas, plot: (x: Double, y: Double, width: Double, height: Double), step: Double
    ) {
        let every = max(1, Int((16 / step).rounded(.up)))
        let baseline = plot.y + plot.height
        canvas.line(x1: plot.x, y1: baseline, x2: plot.x + plot.width, y2: baseline, stroke: "#444")
        for (index, column) in columns.enumerated() {
            let x = plot.x + (Double(index) + 0.5) * step
            if index % every == 0 { canvas.text(column.label, x: x, y: baseline + 13, anchor: "middle", size: 9.5) }
            if let group = column.group {
                canvas.line(x1: x - step / 2, y1: baseline, x2: x - step / 2, y2: baseline + 30, stroke: "#888")
                canvas.text(group, x: x - step / 2 + 3, y: baseline + 28, size: 10)
            }
        }
    }
}
