/// R20: no message says the same thing twice. The mechanical part of that is checkable: no run
/// of six words without a figure may appear twice in one message (subject and body together) —
/// the length of the repeated "please get in touch so we" that issue 11 found in escalated
/// e-mails.
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
            // Figures may repeat: a schedule lists the same amount each month, a reference may
            // appear in a sentence and in the details. Only wording is checked.
            if run.contains(where: { $0.contains(where: \.isNumber) }) { continue }
            if !seen.insert(run).inserted { return run.joined(separator: " ") }
        }
        return nil
    }
}
