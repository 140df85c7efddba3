import Foundation
import Mustache
import RapportCore

/// Turns a planned contact into the words the debtor reads, from the operator's mustache
/// templates.
///
/// Layout of the templates folder, one subfolder per language (`en`, `es`): `<kind>.sms.mustache`
/// and `<kind>.email.mustache` (first line `Subject: …`; letters reuse the e-mail body), and
/// the parts every message of a channel shares, appended or prepended here so no message can go
/// out without them: `opening.sms` (who writes to whom, the discreet preview of R38),
/// `act.sms` / `act.email` (the reference, how to pay and how to reach a person, R39, in every
/// message that asks for a payment), `letterhead` (a letter's date, address and reference),
/// `advice.email` (free debt advice for UK debtors, FCA CONC 7.3), `disclosure` (R22),
/// `footer.sms` / `footer.email` (the opt-out line, R19) and `voice` (the one call script, R23).
public struct MessageRenderer: Sendable {
    /// The languages templates are shipped for; any other locale falls back to English.
    public static let languages = ["en", "es"]

    private let library: MustacheLibrary
    let sender: Sender

    /// The message of a job.
    public struct Message: Sendable, Equatable {
        public var locale: String
        public var subject: String?
        public var body: String

        /// No text: for a job whose text nobody will read (a forecast's).
        public static let unread = Message(locale: "", subject: nil, body: "")
    }

    /// Loads every template under `directory` and checks that each one the planner can need
    /// exists and parses, and threatens nobody (R21).
    public init(directory: String, sender: Sender) throws(TemplateError) {
        var templates: [String: MustacheTemplate] = [:]
        for language in Self.languages {
            for name in Self.requiredNames {
                let path = "\(directory)/\(language)/\(name).mustache"
                guard let data = FileManager.default.contents(atPath: path),
                    let text = String(data: data, encoding: .utf8)
                else {
                    throw TemplateError("\(path): template is missing or unreadable")
                }
                do {
                    // Messages are plain text: SMS, e-mail text, call scripts. No HTML escaping.
                    templates["\(language)/\(name)"] = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
                } catch {
                    throw TemplateError("\(path): not a valid mustache template (\(error))")
                }
                if let phrase = ToneLint.threat(in: text) {
                    throw TemplateError("\(path): contains the threatening phrase \"\(phrase)\" (R21); rephrase it")
                }
            }
        }
        self.library = MustacheLibrary(templates: templates)
        self.sender = sender
    }

    /// The template names each language must provide.
    static var requiredNames: [String] {
        ContactKind.allCases.flatMap { ["\($0.rawValue).sms", "\($0.rawValue).email"] }
            + [
                "voice", "opening.sms", "act.sms", "act.email", "letterhead", "advice.email", "footer.sms",
                "footer.email", "disclosure",
            ]
    }

    /// The language used for `locale`: its primary subtag when shipped, else English.
    public static func language(for locale: String?) -> String {
        let primary = locale?.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? "en"
        return languages.contains(primary) ? primary : "en"
    }

    /// The message for `contact`.
    public func render(_ contact: PlannedContact) -> Message {
        let language = Self.language(for: contact.debtor.locale)
        let style = LocaleStyle(locale: contact.debtor.locale, language: language, currency: contact.currency)
        let context = self.context(for: contact, style: style)
        func text(_ name: String) -> String {
            (library.render(context, withTemplate: "\(language)/\(name)") ?? "").trimmingCharacters(
                in: .whitespacesAndNewlines)
        }
        switch contact.channel {
        case .voice:
            // R23: the call script only names the business, asks for a call back, names a
            // person to ask for and gives the number, whatever the kind.
            return Message(locale: language, subject: nil, body: text("voice"))
        case .sms:
            return Message(locale: language, subject: nil, body: sms(contact, language: language, text: text))
        case .email, .letter:
            var (subject, body) = Self.splitSubject(text("\(contact.kind.rawValue).email"))
            body = written(contact, body: body, style: style, text: text)
            if contact.channel == .letter { return Message(locale: language, subject: nil, body: body) }
            return Message(locale: language, subject: subject, body: body)
        }
    }

    /// An SMS: the discreet opening (R38), the message, what the debtor needs to act (R39), the
    /// disclosure (R22) and the opt-out line (R19), shaped to its budget (R36).
    private func sms(_ contact: PlannedContact, language: String, text: (String) -> String) -> String {
        var body = text("opening.sms") + " " + text("\(contact.kind.rawValue).sms")
        if Self.statesWhatToAct(contact.kind) { body += " " + text("act.sms") }
        // R22: a collector says so in every message; R19: every SMS says how to opt out.
        if sender.debtCollector { body += " " + text("disclosure") }
        if Self.hasFooter(contact.kind) { body += " " + text("footer.sms") }
        return SMSBudget.shaped(body, language: language)
    }

    /// An e-mail or letter body: the message, what the debtor needs to act (R39), free debt
    /// advice for a UK debtor, the disclosure (R22), the opt-out line on e-mail (R19), and a
    /// letter's letterhead above it all.
    private func written(
        _ contact: PlannedContact, body: String, style: LocaleStyle, text: (String) -> String
    ) -> String {
        var body = body
        if Self.statesWhatToAct(contact.kind) { body += "\n\n" + text("act.email") }
        if Self.isUK(contact, style: style), contact.kind.isCollection { body += "\n\n" + text("advice.email") }
        if sender.debtCollector { body += "\n\n" + text("disclosure") }
        switch contact.channel {
        case .email where Self.hasFooter(contact.kind): body += "\n\n" + text("footer.email")
        case .letter: body = text("letterhead") + "\n\n" + body
        default: break
        }
        return body
    }

    /// R19: every SMS and e-mail says how to opt out, except the two confirmations that end
    /// contact: the opt-out's (which says how to opt back in, R33) and the cease's (R12: it is
    /// the last message, and "reply STOP" would contradict it).
    static func hasFooter(_ kind: ContactKind) -> Bool { kind != .optOutConfirmation && kind != .ceaseConfirmation }

    /// The messages that carry the reference, how to pay and how to reach a person (R39): every
    /// collection message, and the ones that state a schedule or what is overdue.
    static func statesWhatToAct(_ kind: ContactKind) -> Bool {
        kind.asksForPayment || kind == .checkIn || kind == .welcome || kind == .planChanged
    }

    /// A UK debtor: British English, or an agreement in a UK jurisdiction.
    static func isUK(_ contact: PlannedContact, style: LocaleStyle) -> Bool {
        style.country == "GB" || ["GB", "UK"].contains(contact.region?.split(separator: "-").first.map(String.init))
    }

    /// An e-mail template's `Subject:` line and the body after it.
    private static func splitSubject(_ text: String) -> (String?, String) {
        guard text.hasPrefix("Subject:"), let newline = text.firstIndex(of: "\n") else { return (nil, text) }
        let subject = text[text.index(text.startIndex, offsetBy: 8)..<newline].trimmingCharacters(in: .whitespaces)
        return (subject, text[newline...].trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// A template problem, naming the file.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
