import Foundation
import RapportCore

/// What every message must and must not show, checked on the templates when the configuration
/// is loaded (and by `rapportctl check-config` and the message audit in the tests):
///
/// - R38, discreet previews: an e-mail subject and the first 40 characters of an SMS name the
///   sender and the debtor at most — no amount and no word that tells a third party of a debt.
/// - R39, what a debtor needs to act: every collection message names the agreement by its
///   reference, says how to pay and how to reach a person (phone and hours).
public enum MessageChecks {
    /// The characters of an SMS a lock screen shows.
    public static let previewLength = 40

    /// Words, lower-cased and matched at the start of a word, that tell of a debt (English,
    /// Spanish).
    static let debtWords = [
        "overdue", "debt", "owe", "late", "missed", "arrears", "balance", "collect", "payment", "pay ", "paid",
        "due", "deuda", "debe", "vencid", "atrasad", "saldo", "cobr", "pago", "pagar",
    ]

    /// What in `preview` tells a third party of a debt: an amount, a currency sign or a debt
    /// word; nil when nothing does.
    public static func leak(in preview: String) -> String? {
        if let sign = preview.first(where: { "$€£".contains($0) }) { return String(sign) }
        if let amount = preview.range(of: #"\d[\d.,]*[.,]\d\d\b"#, options: .regularExpression) {
            return String(preview[amount])
        }
        let lowered = " " + preview.lowercased()
        for word in debtWords {
            if let found = lowered.range(of: word),
                !(lowered[lowered.index(before: found.lowerBound)].isLetter)
            {
                return word.trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// R38: what the preview of `message` on `channel` gives away, if anything.
    public static func previewLeak(_ message: MessageRenderer.Message, channel: Channel) -> String? {
        switch channel {
        case .sms: leak(in: String(message.body.prefix(previewLength)))
        case .email: message.subject.flatMap(leak(in:))
        case .voice, .letter: nil
        }
    }

    /// R39: what a collection message lacks of the reference, how to pay and how to reach a
    /// person; empty when it has all it needs (and always for other kinds and for calls).
    public static func missingToAct(
        _ message: MessageRenderer.Message, kind: ContactKind, channel: Channel, reference: String, sender: Sender
    ) -> [String] {
        guard kind.asksForPayment, channel != .voice else { return [] }
        var missing: [String] = []
        // R39: the reference, how to pay, and the phone with its hours.
        if !message.body.contains(reference) { missing.append("the reference \(reference)") }
        let pays = [sender.payURL, sender.payInstructions, sender.payInstructionsSpanish].filter { !$0.isEmpty }
        if !pays.contains(where: message.body.contains) { missing.append("how to pay") }
        if sender.phone.isEmpty || !message.body.contains(sender.phone) { missing.append("the phone") }
        let hours = [sender.phoneHours, sender.phoneHoursSpanish].filter { !$0.isEmpty }
        if !hours.isEmpty, !hours.contains(where: message.body.contains) { missing.append("the phone hours") }
        return missing
    }
}

extension MessageRenderer {
    /// Loads the templates as `init` does, and refuses them when an SMS template breaks its
    /// budget at its worst case (R36; in collector mode with the disclosure, R22): what the
    /// daemon and `simulate` load, at start and on reload, so a message is never sent long. A
    /// preview that gives the debt away (R38) is passed to `warn`, one line a template:
    /// `rapportctl check-config` refuses it, while the daemon keeps sending what is due under
    /// a sender whose name is too short for the shipped openings.
    public static func checked(directory: String, sender: Sender, warn: (String) -> Void) throws(TemplateError)
        -> MessageRenderer
    {
        let renderer = try MessageRenderer(directory: directory, sender: sender)
        if let over = renderer.smsWorstCases().first(where: { !$0.fits }) {
            throw TemplateError(over.overBudget(in: directory) + ". Worst case: \(over.text)")
        }
        for leak in renderer.previewLeaks() { warn("\(directory)/\(leak)") }
        return renderer
    }

    /// R38: every template whose preview gives the debt away, at the shortest case (no name to
    /// greet with, so the opening is shortest) and the configured sender, each as one line
    /// naming the file.
    public func previewLeaks() -> [String] {
        var leaks: [String] = []
        for language in Self.languages {
            for kind in ContactKind.allCases {
                for channel in [Channel.sms, .email] {
                    // The opening is shortest without a name to greet with, firm or not.
                    for firm in [false, true] {
                        var contact = MessageExamples.shortest(kind, language: language)
                        contact.channel = channel
                        contact.firm = firm
                        guard let leak = MessageChecks.previewLeak(render(contact), channel: channel) else { continue }
                        let file = "\(language)/\(kind.rawValue).\(channel == .sms ? "sms" : "email").mustache"
                        let part = channel == .sms ? "first \(MessageChecks.previewLength) characters" : "subject"
                        leaks.append(
                            "\(file): the \(part)"
                                + " show \"\(leak)\" (R38); a lock screen must show the sender and the debtor at most")
                        break
                    }
                }
            }
        }
        return leaks
    }
}
