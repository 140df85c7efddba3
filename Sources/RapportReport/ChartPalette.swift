import Foundation
import RapportCore

/// How a series is filled: a colour from the Okabe–Ito palette, which colour-blind readers tell
/// apart, and a texture, so the series still differ printed in greyscale.
struct SeriesStyle {
    enum Texture { case solid, stripes, dots, crosshatch }

    let name: String
    let colour: String
    let texture: Texture

    /// The `<pattern>` drawing this style, with the id `id`.
    func pattern(id: String) -> String {
        let ink = "stroke=\"#000\" stroke-opacity=\"0.55\""
        let mark: String
        switch texture {
        case .solid: mark = ""
        case .stripes: mark = "<path d=\"M0 6 L6 0\" \(ink) stroke-width=\"1.4\"/>"
        case .dots: mark = "<circle cx=\"3\" cy=\"3\" r=\"1.2\" fill=\"#000\" fill-opacity=\"0.55\"/>"
        case .crosshatch: mark = "<path d=\"M0 3 H6 M3 0 V6\" \(ink) stroke-width=\"1\"/>"
        }
        return "<pattern id=\"\(id)\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\">"
            + "<rect width=\"6\" height=\"6\" fill=\"\(colour)\"/>\(mark)</pattern>"
    }

    /// One style per channel, in the rulebook's channel order.
    static let channels: [Channel: SeriesStyle] = [
        .sms: SeriesStyle(name: "SMS", colour: "#0072B2", texture: .solid),
        .email: SeriesStyle(name: "e-mail", colour: "#E69F00", texture: .stripes),
        .voice: SeriesStyle(name: "call", colour: "#009E73", texture: .dots),
        .letter: SeriesStyle(name: "letter", colour: "#CC79A7", texture: .crosshatch),
    ]

    /// One style per delivery outcome.
    static let outcomes: [ReportFigures.Outcome: SeriesStyle] = [
        .delivered: SeriesStyle(name: "delivered", colour: "#009E73", texture: .solid),
        .failed: SeriesStyle(name: "failed", colour: "#D55E00", texture: .stripes),
        .expired: SeriesStyle(name: "expired", colour: "#F0E442", texture: .dots),
        .withdrawn: SeriesStyle(name: "withdrawn", colour: "#56B4E9", texture: .crosshatch),
    ]

    /// A single series: one dark colour, no texture needed.
    static let single = SeriesStyle(name: "", colour: "#0072B2", texture: .solid)
}
