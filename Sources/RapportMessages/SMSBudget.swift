import RapportCore

/// R36: each SMS segment is billed and long texts arrive split, so every SMS template must fit
/// its language's budget at its worst case: the longest name, amount, reference and dates it can
/// carry, every optional sentence in or out.
///
/// English fits 2 GSM-7 segments (306 characters). Spanish keeps its accents, which force
/// UCS-2, in up to 4 UCS-2 segments (268 characters): one more than the rulebook's 3, because a
/// Spanish message carries the same facts as the English one (R39: reference, how to pay,
/// phone and hours) and Spanish says them in more letters. A Spanish text longer than that
/// drops the accents GSM-7 lacks (á í ó ú; é ñ ¿ ¡ stay) and must then fit 3 GSM-7 segments
/// (459 characters): never more billed segments than the rulebook's 3 for a worst case, never a
/// fact cut. A template over budget is refused when the configuration is loaded — by the
/// daemon (start and reload), `simulate` and `rapportctl check-config` — naming the file.
public enum SMSBudget {
    /// The UCS-2 segments a Spanish SMS may take with its accents.
    public static let spanishUCS2Segments = 4

    /// The GSM-7 segments an SMS in `language` may take: English 2; Spanish 3, when its accents
    /// had to go.
    public static func gsmSegments(for language: String) -> Int { language == "es" ? 3 : 2 }

    /// Whether an SMS in `language` of `length` keeps to its budget.
    public static func fits(_ length: SMSLength, language: String) -> Bool {
        switch length.encoding {
        case .gsm7: length.segments <= gsmSegments(for: language)
        case .ucs2: language == "es" && length.segments <= spanishUCS2Segments
        }
    }

    /// The budget in words, for messages: "2 GSM-7 segments".
    public static func describe(for language: String) -> String {
        language == "es"
            ? "\(spanishUCS2Segments) UCS-2 segments, or \(gsmSegments(for: language)) GSM-7 without accents"
            : "\(gsmSegments(for: language)) GSM-7 segments"
    }

    /// The text as it is sent: English always in GSM-7 (a name like "López" must not double its
    /// cost); Spanish with its accents when they fit the UCS-2 budget, else without the ones
    /// GSM-7 lacks.
    static func shaped(_ body: String, language: String) -> String {
        guard language == "es" else { return SMSLength.gsmFolded(body) }
        return SMSLength(measuring: body).segments <= spanishUCS2Segments ? body : SMSLength.gsmFolded(body)
    }

    /// One SMS template rendered at its worst case.
    public struct WorstCase: Sendable {
        /// The template's path relative to the templates folder, e.g. `es/missed.sms.mustache`.
        public var file: String
        public var language: String
        public var length: SMSLength
        /// The worst-case text itself, for a person to read.
        public var text: String
        public var fits: Bool { SMSBudget.fits(length, language: language) }

        /// One line naming the template in `directory` and how far over its budget it goes.
        public func overBudget(in directory: String) -> String {
            "\(directory)/\(file): an SMS can take \(length.segments) \(length.encoding.rawValue) segments at its "
                + "worst case, over the budget of \(SMSBudget.describe(for: language)) (R36); shorten it"
        }
    }
}

extension MessageRenderer {
    /// Every SMS template rendered at its worst case — a 20-character name, the largest amount
    /// in the longest currency form, the longest date, every optional sentence in or out —
    /// with the sender of the configuration.
    public func smsWorstCases() -> [SMSBudget.WorstCase] {
        var cases: [SMSBudget.WorstCase] = []
        for language in Self.languages {
            for kind in ContactKind.allCases {
                // The worst is one over budget if any is, else the one with the most segments.
                func rank(_ length: SMSLength) -> (Int, Int, Int) {
                    (SMSBudget.fits(length, language: language) ? 0 : 1, length.segments, length.units)
                }
                var worst: (SMSLength, String)?
                for var contact in MessageExamples.worstCases(of: kind, language: language) {
                    // A collector's first written message goes by e-mail or letter (R22).
                    contact.firstWritten = false
                    let body = render(contact).body
                    let length = SMSLength(measuring: body)
                    if worst.map({ rank(length) > rank($0.0) }) ?? true { worst = (length, body) }
                }
                guard let (length, text) = worst else { continue }
                cases.append(
                    SMSBudget.WorstCase(
                        file: "\(language)/\(kind.rawValue).sms.mustache", language: language, length: length,
                        text: text))
            }
        }
        return cases
    }
}
