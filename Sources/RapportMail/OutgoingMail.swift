import Foundation
import RapportConfig
import RapportCore

/// An e-mail job as the message the mail transport receives: RFC 5322 headers, a MIME
/// `text/plain; charset=utf-8` body in quoted-printable, and the envelope that lets a bounce
/// find its job (contract, "E-mail delivery: rapport-mail").
///
/// Lines end in `\n`: the sendmail interface takes the local convention and the transport
/// writes CRLF on the wire. No field of the job can add a header: every value is flattened
/// (CR and LF become spaces) and non-ASCII text is RFC 2047-encoded.
public struct OutgoingMail: Sendable {
    /// `bounces+<job id>@domain`: what the transport returns bounces to.
    public var envelopeSender: String
    public var recipient: String
    /// The whole message.
    public var text: String

    /// The message for `job`, sent at `date`.
    public init(job: Job, mail: Settings.Mail, date: Date) throws(MailError) {
        guard let from = MailAddress(mail.from) else {
            throw MailError("[mail] from is not set to an address; set it in rapport.toml")
        }
        guard let to = MailAddress.bare(job.to) else {
            throw MailError("\(job.id): the recipient is not a plain e-mail address")
        }
        let bounces = MailAddress.envelope(mail, from: from)
        envelopeSender = bounces.tagged(job.id.rawValue)
        recipient = to
        var unsubscribe = "<mailto:\(bounces.tagged("unsub-" + job.id.rawValue))>"
        if let url = mail.unsubscribeURL {
            unsubscribe += ", <\(url.replacingOccurrences(of: "{{job}}", with: job.id.rawValue))>"
        }
        var headers = [
            MIMEEncoding.header("From", from.headerValue),
            MIMEEncoding.header("To", "<\(to)>"),
            MIMEEncoding.header("Subject", MIMEEncoding.headerText(job.subject ?? "")),
            MIMEEncoding.header("Date", Self.rfc5322(date)),
            MIMEEncoding.header("Message-ID", "<\(job.id)@\(from.domain)>"),
            MIMEEncoding.header("List-Unsubscribe", unsubscribe),
        ]
        if mail.unsubscribeURL != nil { headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click") }
        headers += [
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "X-Rapport-Job: \(job.id)",
        ]
        text = headers.joined(separator: "\n") + "\n\n" + MIMEEncoding.quotedPrintable(job.body) + "\n"
    }

    /// RFC 5322's date: `Mon, 30 Nov 2026 15:03:00 +0000`.
    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

/// A problem with one e-mail: the job fails with it, nothing is sent.
public struct MailError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// An address as `[mail] from` writes it: `Acme Lending <billing@acme.example>` or a bare one.
struct MailAddress: Sendable {
    var name: String?
    var address: String

    init?(_ text: String) {
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            let name = text[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "\""))
            self.name = name.isEmpty ? nil : name
            guard let bare = Self.bare(String(text[text.index(after: open)..<close])) else { return nil }
            address = bare
        } else {
            guard let bare = Self.bare(text) else { return nil }
            address = bare
        }
    }

    var domain: String { String(address[address.index(after: address.lastIndex(of: "@") ?? address.startIndex)...]) }
    var localPart: String { String(address[..<(address.lastIndex(of: "@") ?? address.endIndex)]) }

    /// `Name <address>` with the name encoded or quoted as needed.
    var headerValue: String {
        guard let name else { return "<\(address)>" }
        let flat = MIMEEncoding.headerText(name)
        let plain = flat == name && name.allSatisfy { $0.isLetter || $0.isNumber || " .-'".contains($0) }
        return (plain || flat != name ? flat : "\"\(name.replacingOccurrences(of: "\"", with: ""))\"") + " <\(address)>"
    }

    /// `local+tag@domain`.
    func tagged(_ tag: String) -> String { "\(localPart)+\(tag)@\(domain)" }

    /// The bounce address: `[mail] envelope`, else `bounces@` the From address's domain.
    static func envelope(_ mail: Settings.Mail, from: MailAddress) -> MailAddress {
        MailAddress(mail.envelope) ?? MailAddress(address: "bounces@\(from.domain)")
    }

    private init(address: String) { self.address = address }

    /// `text` when it is one plain address: `local@domain`, printable ASCII, no spaces, angle
    /// brackets, commas, quotes or line breaks; nil otherwise.
    static func bare(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let at = trimmed.lastIndex(of: "@"), at != trimmed.startIndex,
            trimmed.index(after: at) != trimmed.endIndex,
            trimmed.unicodeScalars.allSatisfy({
                $0.isASCII && $0.value > 32 && $0.value < 127 && !"<>,;\"()[]\\".unicodeScalars.contains($0)
            })
        else { return nil }
        return trimmed
    }
}
