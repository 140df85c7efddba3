import RapportCore

/// R36: each SMS segment is billed and long texts arrive split, so every SMS template must fit
/// its language's budget at its worst case: the longest name, amount and date it can carry.
///
/// English fits 2 GSM-7 segments (306 characters); Spanish, whose accents force UCS-2, 3 UCS-2
/// segments (201 characters). `rapportctl check-config` refuses a template over budget, naming
/// the file; the daemon only warns, so a long business name in an operator's config cannot
/// stop reminders that are already due (the job still says its segments).
public enum SMSBudget {
    /// The billed segments an SMS in `language` may take.
    public static func segments(for language: String) -> Int { language == "es" ? 3 : 2 }

    /// Whether SMS in `language` are folded to GSM-7 (accents GSM-7 lacks dropped): the
    /// languages budgeted in GSM-7 segments. Spanish keeps its accents and travels as UCS-2.
    static func foldsToGSM(_ language: String) -> Bool { language != "es" }

    /// One SMS template rendered at its worst case.
    public struct WorstCase: Sendable {
        /// The template's path relative to the templates folder, e.g. `es/missed.sms.mustache`.
        public var file: String
        public var language: String
        public var length: SMSLength
        public var budget: Int
        /// The worst-case text itself, for a person to read.
        public var text: String
        public var fits: Bool { length.segments <= budget }

        /// One line naming the template in `directory` and how far over its budget it goes.
        public func overBudget(in directory: String) -> String {
            "\(directory)/\(file): an SMS can take \(length.segments) segments at its worst case, over the budget of "
                + "\(budget) (R36); shorten it"
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
                var worst: (SMSLength, String)?
                for contact in MessageExamples.worstCases(of: kind, language: language) {
                    let body = render(contact).body
                    let length = SMSLength(measuring: body)
                    if worst.map({
                        length.segments > $0.0.segments
                            || (length.segments == $0.0.segments && length.units > $0.0.units)
                    })
                        ?? true
                    {
                        worst = (length, body)
                    }
                }
                guard let (length, text) = worst else { continue }
                cases.append(
                    SMSBudget.WorstCase(
                        file: "\(language)/\(kind.rawValue).sms.mustache", language: language, length: length,
                        budget: SMSBudget.segments(for: language), text: text))
            }
        }
        return cases
    }
}
