import Foundation
import RapportConfig
import RapportCore
import RapportSpool

/// `rapport-mail --replies MAILDIR`: reads the mail the transport delivered for the reply and
/// bounce addresses and hands each to Rapport as an inbound message (R31–R35).
///
/// A delivery status notification (`multipart/report; report-type=delivery-status`, RFC 3464)
/// becomes a `bounce`; a mail to the List-Unsubscribe address, or whose subject or text is
/// "unsubscribe", an `unsubscribe`; anything else a `message` with what the sender wrote. The
/// job is found from the `+job id` of the address it came back to, or `In-Reply-To` /
/// `References`. Each inbound file is written (durably) before the mail moves to the
/// Maildir's `cur/` with the `S` flag; a crash in between writes the same file again, and its
/// identity (the mail's Message-ID) makes the second one change nothing.
public struct ReplyMailbox: Sendable {
    public let maildir: String
    public let spool: Spool

    public init(maildir: String, spool: Spool) {
        self.maildir = maildir
        self.spool = spool
    }

    /// What one pass did, by inbound kind.
    public struct Pass: Sendable, Equatable {
        public var messages = 0
        public var bounces = 0
        public var unsubscribes = 0
        public init() {}
    }

    /// Turns every new mail into an inbound message.
    public func readNew(now: Date = Date(), shouldContinue: () -> Bool = { true }) throws -> Pass {
        var pass = Pass()
        let fresh = try FileManager.default.contentsOfDirectory(atPath: "\(maildir)/new").filter { !$0.hasPrefix(".") }
            .sorted()
        for name in fresh where shouldContinue() {
            let raw = try Data(contentsOf: URL(fileURLWithPath: "\(maildir)/new/\(name)"))
            let message = Self.inbound(from: ReceivedMail(raw), fallbackTime: now)
            let json = try message.contractJSON()
            try spool.deliverInbound(message, json: json)
            let info = name.contains(":2,") ? name : name + ":2,S"
            try FileManager.default.moveItem(atPath: "\(maildir)/new/\(name)", toPath: "\(maildir)/cur/\(info)")
            switch message.kind {
            case .message: pass.messages += 1
            case .bounce: pass.bounces += 1
            case .unsubscribe: pass.unsubscribes += 1
            }
        }
        return pass
    }

    /// The inbound message a received mail means.
    static func inbound(from mail: ReceivedMail, fallbackTime: Date) -> InboundMessage {
        let received = mail.header("date").flatMap(Self.parseDate) ?? fallbackTime
        let providerID = mail.header("message-id")
        let tag = Self.tag(of: mail)
        let type = mail.contentType
        if type.type == "multipart/report", type.parameters["report-type"]?.lowercased() == "delivery-status" {
            let report = Self.deliveryStatus(of: mail)
            return InboundMessage(
                channel: .email, kind: .bounce, from: mail.address("from"), receivedAt: received,
                inReplyTo: tag.flatMap { Self.jobID(in: $0) } ?? Self.originalJob(of: mail), providerID: providerID,
                recipient: report.recipient, status: report.status ?? "5.0.0", detail: report.detail)
        }
        let sender = mail.address("from")
        let written = mail.writtenText
        let folded = ReplyReading.folded(mail.header("subject") ?? "")
        let unsubscribing =
            tag?.hasPrefix("unsub-") == true || folded == "unsubscribe"
            || ReplyReading.folded(written) == "unsubscribe"
        let job = tag.flatMap { Self.jobID(in: $0) } ?? Self.repliedJob(of: mail)
        if unsubscribing {
            return InboundMessage(
                channel: .email, kind: .unsubscribe, from: sender, receivedAt: received, inReplyTo: job,
                providerID: providerID,
                recipient: sender)
        }
        return InboundMessage(
            channel: .email, kind: .message, from: sender, to: mail.address("to"), receivedAt: received, text: written,
            inReplyTo: job, providerID: providerID)
    }

    /// What follows the `+` of the address the mail came back to (`bounces+<tag>@…`), from the
    /// headers the transport adds (Delivered-To, X-Original-To) or To.
    static func tag(of mail: ReceivedMail) -> String? {
        for value in mail.all("delivered-to") + mail.all("x-original-to") + mail.all("to") {
            let address = value.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
            guard let plus = address.firstIndex(of: "+"), let at = address.lastIndex(of: "@"), plus < at else {
                continue
            }
            return String(address[address.index(after: plus)..<at])
        }
        return nil
    }

    /// The job id in `text` (`j-` and 32 hex digits), if any.
    static func jobID(in text: String) -> String? {
        guard let range = text.range(of: #"j-[0-9a-f]{32}"#, options: .regularExpression) else { return nil }
        return String(text[range])
    }

    /// The job a reply answers, from `In-Reply-To` or `References` (`<job id@domain>`).
    static func repliedJob(of mail: ReceivedMail) -> String? {
        (mail.all("in-reply-to") + mail.all("references")).lazy.compactMap { jobID(in: $0) }.first
    }

    /// The job of the bounced message, from its headers inside the report.
    static func originalJob(of mail: ReceivedMail) -> String? {
        mail.leaves.lazy.filter { ["message/rfc822", "text/rfc822-headers"].contains($0.contentType.type) }
            .compactMap { jobID(in: $0.text) }.first
    }

    /// The failed recipient, the DSN status and the diagnostic of a delivery status report.
    static func deliveryStatus(of mail: ReceivedMail) -> (recipient: String?, status: String?, detail: String?) {
        guard let report = mail.leaves.first(where: { $0.contentType.type == "message/delivery-status" }) else {
            return (nil, nil, nil)
        }
        var recipient: String?
        var status: String?
        var detail: String?
        for line in report.text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let typed =
                value.split(separator: ";", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? value
            switch name {
            case "final-recipient": recipient = recipient ?? typed
            case "original-recipient": recipient = typed
            case "status": status = status ?? value.split(separator: " ").first.map(String.init)
            case "diagnostic-code": detail = detail ?? typed
            default: break
            }
        }
        return (recipient, status, detail)
    }

    private static func parseDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["EEE, d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm Z"] {
            formatter.dateFormat = format
            if let date = formatter.date(
                from: text.replacingOccurrences(of: #"\s*\(.*\)$"#, with: "", options: .regularExpression))
            {
                return date
            }
        }
        return nil
    }
}
