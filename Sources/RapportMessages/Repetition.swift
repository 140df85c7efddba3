/// R20: no message says the same thing twice. The mechanical part of that is checkable: no run
/// of six words may appear twice in one message (subject and body together) — the length of
/// the repeated "please get in touch so we" that issue 11 found in escalated e-mails.
enum Repetition {
    /// How many words in a row count as saying the same thing.
    static let window = 6

    /// The first run of `window` words that `text` contains twice, lower-cased, or nil.
    static func first(in text: String) -> String? {
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        guard words.count >= window else { return nil }
        var seen: Set<ArraySlice<String>> = []
        for start in 0...(words.count - window) {
            let run = words[start..<(start + window)]
            if !seen.insert(run).inserted { return run.joined(separator: " ") }
        }
        return nil
    }
}
