/// How an SMS text travels (R36): in the GSM 03.38 7-bit alphabet when every character is in
/// it, else in UCS-2; and how many billed segments it takes.
///
/// A single GSM-7 message holds 160 septets, a split one 153 per segment (the rest is the
/// concatenation header); UCS-2 holds 70 UTF-16 units, 67 when split. Characters of the GSM-7
/// extension table (`€ [ ] { } \ ~ ^ |`, form feed) take two septets.
public struct SMSLength: Sendable, Equatable {
    /// The contract's `encoding` values.
    public enum Encoding: String, Sendable, Codable {
        case gsm7, ucs2
    }

    public var encoding: Encoding
    /// Septets for GSM-7, UTF-16 units for UCS-2.
    public var units: Int
    /// Billed segments.
    public var segments: Int

    /// Measures `text` as it would be sent.
    public init(measuring text: String) {
        var septets = 0
        var fitsGSM = true
        for scalar in text.unicodeScalars {
            if Self.basic.contains(scalar) {
                septets += 1
            } else if Self.extended.contains(scalar) {
                septets += 2
            } else {
                fitsGSM = false
                break
            }
        }
        if fitsGSM {
            encoding = .gsm7
            units = septets
            segments = septets <= 160 ? 1 : (septets + 152) / 153
        } else {
            encoding = .ucs2
            units = text.utf16.count
            segments = units <= 70 ? 1 : (units + 66) / 67
        }
    }

    /// `text` with each character outside GSM-7 replaced by its closest GSM-7 form when it has
    /// one: accents GSM-7 lacks dropped (`López` → `Lopez`; `é`, `ñ`, `ü` are kept, they are
    /// GSM-7), typographic quotes and dashes made plain. A character without one (a name in
    /// another script) stays, and the text travels as UCS-2.
    public static func gsmFolded(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy(isGSM) else { return text }
        var folded = ""
        for character in text {
            let scalars = String(character).unicodeScalars
            if scalars.allSatisfy(isGSM) {
                folded.append(character)
            } else if let plain = punctuation[character] {
                folded += plain
            } else {
                let bare = String(character).decomposedStringWithCanonicalMapping.unicodeScalars
                    .filter { $0.properties.generalCategory != .nonspacingMark }
                folded +=
                    !bare.isEmpty && bare.allSatisfy(isGSM) ? String(String.UnicodeScalarView(bare)) : String(character)
            }
        }
        return folded
    }

    private static func isGSM(_ scalar: Unicode.Scalar) -> Bool { basic.contains(scalar) || extended.contains(scalar) }

    private static let punctuation: [Character: String] = [
        "\u{2018}": "'", "\u{2019}": "'", "\u{201C}": "\"", "\u{201D}": "\"", "\u{2013}": "-", "\u{2014}": "-",
        "\u{2026}": "...", "\u{00A0}": " ",
    ]

    /// The GSM 03.38 default alphabet.
    private static let basic = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1B}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
            + "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)
    /// The GSM 03.38 extension table: two septets each (escape + character).
    private static let extended = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
