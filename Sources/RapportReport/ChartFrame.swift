import Foundation

/// What every chart of the report has: an id, a title and a description for screen readers,
/// axis titles, a legend of its series, and patterns defined under ids of its own (several
/// charts on one page must not share an id).
struct ChartFrame {
    let id: String
    /// The chart's kind, as `data-chart`: what the browser test looks for.
    let chart: String
    let title: String
    let description: String
    let xTitle: String
    let yTitle: String
    let series: [SeriesStyle]

    /// The fill of series `index`.
    func fill(_ index: Int) -> String { "url(#\(id)-s\(index))" }

    /// The `<defs>` of the series' patterns, and `extra` ones.
    func definitions(_ extra: String = "") -> String {
        "<defs>" + series.enumerated().map { $1.pattern(id: "\(id)-s\($0)") }.joined() + extra + "</defs>"
    }

    /// A legend in one row from `x` along `y`: a swatch and a name per series, then `extra`
    /// (fill, name) pairs.
    func legend(on canvas: inout SVGCanvas, x: Double, y: Double, extra: [(fill: String, name: String)] = []) {
        var x = x
        // A single unnamed series needs no legend entry: the axis titles say what it is.
        let entries = series.enumerated().filter { !$1.name.isEmpty }.map { (fill($0), $1.name) } + extra
        for (fill, name) in entries {
            canvas.rect(x: x, y: y - 9, width: 11, height: 11, fill: fill)
            canvas.line(x1: x, y1: y + 2, x2: x + 11, y2: y + 2, stroke: "#444")
            canvas.text(name, x: x + 15, y: y, size: 10.5)
            x += 15 + Double(name.count) * 6.2 + 14
        }
    }

    /// Draws the axis titles around a plot area.
    func axisTitles(on canvas: inout SVGCanvas, plot: (x: Double, y: Double, width: Double, height: Double)) {
        canvas.text(xTitle, x: plot.x + plot.width / 2, y: canvas.height - 6, anchor: "middle", size: 11, bold: true)
        canvas.text(yTitle, x: 13, y: plot.y + plot.height / 2, anchor: "middle", size: 11, bold: true, rotated: true)
    }

    func rendered(_ canvas: SVGCanvas) -> String {
        canvas.rendered(id: id, chart: chart, title: title, description: description)
    }
}
