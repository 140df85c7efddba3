import Foundation
import Mustache
import RapportCore

/// Turns a planned contact into the words the debtor reads, from the operator's mustache
/// templates.
///
/// Layout of the templates folder, one subfolder per language (`en`, `es`):
/// `<kind>.sms.mustache`, `<kind>.email.mustache` (first line `Subject: …`; letters reuse the
/// e-mail body), `voice.mustache` (the one call script, R23), `footer.sms.mustache` and
/// `footer.email.mustache` (the opt-out line, R19) and `disclosure.mustache` (R22).
///
/// The footer and the disclosure are appended here, not left to each template, so no
/// message can go out without them.
public struct MessageRenderer: Sendable {
    /// The languages templates are shipped for; any other locale falls back to English.
    public static let languages = ["en", "es"]

    private let library: MustacheLibrary
    private let sender: Sender

    /// The message of a job.
    public struct Message: Sendable, Equatable {
        public var locale: String
        public var subject: String?
        public var body: String

        /// No text: for a job whose text nobody will read (a forecast's).
        public static let unread = Message(locale: "", subject: nil, body: "")
    }

    /// Loads every template under `directory` and checks that each one the planner can need
    /// exists and parses.
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
            + ["voice", "footer.sms", "footer.email", "disclosure"]
    }

    /// The language used for `locale`: its primary subtag when shipped, else English.
    public static func language(for locale: String?) -> String {
        let primary = locale?.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? "en"
        return languages.contains(primary) ? primary : "en"
    }

    /// The message for `contact`.
    public func render(_ contact: PlannedContact) -> Message {
        let language = Self.language(for: contact.debtor.locale)
        let context = self.context(for: contact, language: language)
        func text(_ name: String) -> String {
            (library.render(context, withTemplate: "\(language)/\(name)") ?? "").trimmingCharacters(
                in: .whitespacesAndNewlines)
        }
        var subject: String?
        var body: String
        switch contact.channel {
        case .voice:
            // R23: the call script only names the business, asks for a call back, names a
            // person to ask for and gives the number, whatever the kind.
            return Message(locale: language, subject: nil, body: text("voice"))
        case .sms:
            body = text("\(contact.kind.rawValue).sms")
        case .email, .letter:
            body = text("\(contact.kind.rawValue).email")
            if body.hasPrefix("Subject:"), let newline = body.firstIndex(of: "\n") {
                subject = body[body.index(body.startIndex, offsetBy: 8)..<newline].trimmingCharacters(in: .whitespaces)
                body = body[newline...].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if contact.channel == .letter { subject = nil }
        }
        // R22: a collector says so in every message.
        if sender.debtCollector { body += (contact.channel == .sms ? " " : "\n\n") + text("disclosure") }
        // R19: every SMS and e-mail says how to opt out — except the confirmation that it was
        // done, which says how to opt back in (R33).
        let footer = contact.kind != .optOutConfirmation
        switch contact.channel {
        case .sms:
            if footer { body += " " + text("footer.sms") }
            // R36: an English SMS travels in GSM-7; a name like "López" must not double its cost.
            if SMSBudget.foldsToGSM(language) { body = SMSLength.gsmFolded(body) }
        case .email: if footer { body += "\n\n" + text("footer.email") }
        case .voice, .letter: break
        }
        return Message(locale: language, subject: subject, body: body)
    }

    func context(for contact: PlannedContact, language: String) -> [String: Any] {
        var context: [String: Any] = [
            "name": contact.debtor.greetingName,
            "business": sender.businessName,
            "phone": sender.phone,
            "person": sender.contactPerson,
            "currency": contact.currency,
            "disclosure": sender.disclosure,
        ]
        if !sender.helpURL.isEmpty { context["help_url"] = sender.helpURL }
        let money = { (amount: Money) in MoneyWords.format(amount, currency: contact.currency, language: language) }
        if let due = contact.statement?.due { context["amount"] = money(due) }
        if let overdue = contact.statement?.overdue {
            // R20: the whole of what is overdue on the send day, never one installment's part.
            context["overdue"] = money(overdue.total)
            context["overdue_count"] = String(overdue.count)
            context["oldest_date"] = DateWords.format(overdue.oldest, language: language, weekday: false)
            if overdue.count > 1 { context["several_overdue"] = true }
        }
        if contact.firm { context["firm"] = true }
        if contact.agreements.count > 1 {
            // R28: one message covering several agreements says so.
            context["several"] = true
            context["agreement_count"] = String(contact.agreements.count)
        }
        if let amount = contact.paymentAmount { context["payment_amount"] = money(amount) }
        if let installment = contact.installment {
            context["installment"] = installment.id.rawValue
            context["due_date"] = DateWords.format(installment.due, language: language)
            context["due_date_short"] = DateWords.format(installment.due, language: language, weekday: false)
        }
        return context
    }
}

/// A template problem, naming the file.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
