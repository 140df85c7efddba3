import Foundation

/// An SVG drawing built element by element, for charts whose geometry is ours: coordinates
/// in a fixed view box scaled to the page's width, numbers written with one decimal so the
/// same figures always give the same bytes (the golden test relies on it).
struct SVGCanvas {
    let width: Double
    let height: Double
    private(set) var body = ""

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A rectangle; `label` becomes its tooltip and `value` a `data-value` a test can add up.
    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, label: String? = nil,
        value: String? = nil, series: String? = nil
    ) {
        body += "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\""
        body += " height=\"\(Self.number(height))\" fill=\"\(fill)\""
        if let series { body += " data-series=\"\(Self.escaped(series))\"" }
        if let value { body += " data-value=\"\(Self.escaped(value))\"" }
        if let label {
            body += "><title>\(Self.escaped(label))</title></rect>"
        } else {
            body += "/>"
        }
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, dashed: Bool = false) {
        body += "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\""
        body += " y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\"" + (dashed ? " stroke-dasharray=\"3 3\"" : "") + "/>"
    }

    /// Text; `anchor` is `start`, `middle` or `end`; `rotated` turns it a quarter left (a y axis label).
    mutating func text(
        _ text: String, x: Double, y: Double, anchor: String = "start", size: Double = 11, bold: Bool = false,
        rotated: Bool = false
    ) {
        body += "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\""
        if anchor != "start" { body += " text-anchor=\"\(anchor)\"" }
        if bold { body += " font-weight=\"bold\"" }
        if rotated { body += " transform=\"rotate(-90 \(Self.number(x)) \(Self.number(y)))\"" }
        body += ">\(Self.escaped(text))</text>"
    }

    /// Pattern definitions and other markup made elsewhere from escaped parts.
    mutating func raw(_ markup: String) { body += markup }

    /// The whole `<svg>`, titled and described for screen readers, as wide as its container.
    func rendered(id: String, chart: String, title: String, description: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(id)\" data-chart=\"\(chart)\""
            + " viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" role=\"img\""
            + " aria-labelledby=\"\(id)-title \(id)-desc\" font-family=\"DejaVu Sans, Arial, sans-serif\">"
            + "<title id=\"\(id)-title\">\(Self.escaped(title))</title>"
            + "<desc id=\"\(id)-desc\">\(Self.escaped(description))</desc>" + body + "</svg>"
    }

    /// `12`, `12.5`: one decimal at most, never an exponent.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    /// Text safe inside an element or an attribute.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
