import Foundation

/// How a reply is read (R31–R34): what the debtor asked for, and whether a person must look.
///
/// Where the line is: a whole reply that is a keyword (with at most some politeness around it)
/// acts on its own; a reply containing a stop phrase opts out *and* goes to a person; a reply
/// that may be a cease stops the channel at once and a person decides the rest. Everything else
/// is a conversation for a person — "I will stop by the office" and "can you stop the late
/// fee?" are conversations, not opt-outs. When in doubt (a reply of at most three words with a
/// strong keyword in it), the channel stops and a person looks.
public enum ReplyReading: Equatable, Sendable {
    /// R31: an opt-out keyword; nobody needs to look.
    case optOut(keyword: String)
    /// R31: a phrase read as "stop texting me", or a doubtful short reply: opted out, and a
    /// person looks.
    case optOutForReview(why: String)
    /// R12 maybe: opted out of the channel at once, a person decides whether it is a cease.
    case possibleCease(why: String)
    /// R32.
    case help
    /// R33.
    case optIn
    /// R34: anything else.
    case conversation

    /// Reads `text`.
    public init(_ text: String) {
        let folded = Self.folded(text)
        let words = folded.split(separator: " ").map(String.init)
        let core = Self.withoutPoliteness(folded)
        if ReplyWords.optOut.contains(folded) || (!core.isEmpty && ReplyWords.optOut.contains(core)) {
            self = .optOut(keyword: ReplyWords.optOut.contains(folded) ? folded : core)
        } else if ReplyWords.help.contains(folded) || ReplyWords.help.contains(core) {
            self = .help
        } else if ReplyWords.optIn.contains(folded) || ReplyWords.optIn.contains(core) {
            self = .optIn
        } else if let phrase = Self.firstPhrase(of: ReplyWords.ceasePhrases, in: folded) {
            self = .possibleCease(
                why: "may be a cease or refusal to pay (\"\(phrase)\"): decide whether to record a cease")
        } else if let phrase = Self.firstPhrase(of: ReplyWords.stopPhrases, in: folded) {
            self = .optOutForReview(why: "read as an opt-out (\"\(phrase)\"); the channel was stopped")
        } else if words.count <= 3, let word = words.first(where: ReplyWords.strong.contains) {
            self = .optOutForReview(why: "a short reply with \"\(word)\": the channel was stopped, in doubt")
        } else {
            self = .conversation
        }
    }

    /// Lower case, accents removed, punctuation and symbols turned to spaces, single spaces:
    /// "¡No más!" → "no mas", "Stop." → "stop", "don't" → "dont".
    public static func folded(_ text: String) -> String {
        let bare = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var result = ""
        var space = false
        for scalar in bare.unicodeScalars {
            if scalar == "'" || scalar == "\u{2019}" { continue }
            if CharacterSet.alphanumerics.contains(scalar) {
                result.unicodeScalars.append(scalar)
                space = false
            } else if !space, !result.isEmpty {
                result.append(" ")
                space = true
            }
        }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// The folded text with politeness words taken off both ends ("stop please" → "stop").
    static func withoutPoliteness(_ folded: String) -> String {
        var words = folded.split(separator: " ").map(String.init)
        var trimmed = true
        while trimmed, !words.isEmpty {
            trimmed = false
            for count in [2, 1] where words.count > count {
                if ReplyWords.politeness.contains(words.prefix(count).joined(separator: " ")) {
                    words.removeFirst(count)
                    trimmed = true
                } else if ReplyWords.politeness.contains(words.suffix(count).joined(separator: " ")) {
                    words.removeLast(count)
                    trimmed = true
                }
                if trimmed { break }
            }
        }
        return words.joined(separator: " ")
    }

    /// The first phrase of `phrases` that `folded` contains as whole words.
    static func firstPhrase(of phrases: [String], in folded: String) -> String? {
        let padded = " \(folded) "
        return phrases.first { padded.contains(" \($0) ") }
    }
}
