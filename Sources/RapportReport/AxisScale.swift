import Foundation

/// A value axis from 0 to a round maximum in 1-2-5 steps: four or five gridlines whatever the
/// figures, so every chart reads the same way.
struct AxisScale {
    let maximum: Double
    let step: Double

    /// The scale for values up to `largest`; counts (`whole`) never get fractional steps.
    init(fitting largest: Double, whole: Bool = true) {
        guard largest > 0 else {
            (maximum, step) = (whole ? 4 : 1, whole ? 1 : 0.25)
            return
        }
        let raw = largest / 4
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        if whole { step = max(1, step.rounded(.up)) }
        self.step = step
        maximum = (largest / step).rounded(.up) * step
    }

    /// The gridline values, 0 included.
    var ticks: [Double] { stride(from: 0, through: maximum + step / 2, by: step).map { $0 } }

    /// A tick's label: whole numbers with thousands separated, or two decimals.
    func label(_ value: Double) -> String {
        if value == value.rounded() {
            return Self.grouped(Int(value))
        }
        return String(format: "%.2f", value)
    }

    /// `12 345`: thousands separated by a thin space, in any language.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "\u{2009}" }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}
