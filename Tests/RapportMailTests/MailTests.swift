import Foundation
import RapportConfig
import RapportCore
import Testing

@testable import RapportMail

/// The message rapport-mail hands to the transport, and how it reads what comes back.
@Suite("E-mail out and back")
struct MailTests {
    static let jobID = "j-3f9c2a00000000000000000000000001"

    static func job(
        subject: String = "A friendly reminder: $50.00 due on Tuesday, December 1",
        body: String = "Hi Sam,\n\nThis is a reminder."
    ) -> Job {
        var job = Job(
            contact: PlannedContact(
                jobID: JobID(jobID)!, touchpoint: TouchpointKey(rawValue: "t"), kind: .preDue, channel: .email,
                to: "sam@example.org",
                agreement: Identifier("A-1")!, agreements: [Identifier("A-1")!],
                debtor: Debtor(id: Identifier("D-1")!, name: "Sam"),
                timezone: "UTC", notBefore: Date(timeIntervalSince1970: 0), notAfter: Date(timeIntervalSince1970: 3600),
                localTime: "", reason: "r", installment: nil, statement: nil, paymentAmount: nil, currency: "USD"),
            locale: "en", subject: subject, body: body, createdAt: Date(timeIntervalSince1970: 0))
        job.subject = subject
        return job
    }

    static var settings: Settings.Mail {
        var mail = Settings.Mail()
        mail.from = "Rapport Démo Lending <replies@rapport.test>"
        mail.unsubscribeURL = "https://example.org/unsubscribe/{{job}}"
        return mail
    }

    func headers(_ text: String) -> [String] {
        String(text[..<(text.range(of: "\n\n")?.lowerBound ?? text.endIndex)]).split(separator: "\n").map(String.init)
    }

    @Test(
        "The message: every header of the contract, RFC 2047 for non-ASCII, lines within 78, the envelope names the job"
    )
    func outgoing() async throws {
        let body =
            "Hola María José:\n\nLe recordamos que su pago de $50.00 vence el martes 1 de diciembre. "
            + String(repeating: "Muy largo. ", count: 12)
        let mail = try OutgoingMail(
            job: Self.job(subject: "Recordatorio: su pago vence mañana", body: body), mail: Self.settings,
            date: Date(timeIntervalSince1970: 1_796_000_000))
        #expect(mail.envelopeSender == "bounces+\(Self.jobID)@rapport.test")
        #expect(mail.recipient == "sam@example.org")
        let lines = headers(mail.text)
        #expect(lines.contains("From: =?UTF-8?B?UmFwcG9ydCBEw6ltbyBMZW5kaW5n?= <replies@rapport.test>"))
        #expect(lines.contains("To: <sam@example.org>"))
        #expect(lines.contains { $0.hasPrefix("Subject: =?UTF-8?B?") })
        #expect(
            MIMEEncoding.decodeHeader(ReceivedMail(Data(mail.text.utf8)).headers.first { $0.name == "subject" }!.value)
                == "Recordatorio: su pago vence mañana")
        #expect(lines.contains("Date: Mon, 30 Nov 2026 00:53:20 +0000"))
        #expect(lines.contains("Message-ID: <\(Self.jobID)@rapport.test>"))
        #expect(
            mail.text.contains(
                """
                List-Unsubscribe:\n <mailto:bounces+unsub-\(Self.jobID)@rapport.test>,\n \
                <https://example.org/unsubscribe/\(Self.jobID)>
                """
            ))
        #expect(lines.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        #expect(
            lines.contains("Content-Type: text/plain; charset=utf-8")
                && lines.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(mail.text.split(separator: "\n").allSatisfy { $0.count <= 78 })
        #expect(ReceivedMail(Data(mail.text.utf8)).text == body + "\n", "the body decodes back exactly")
    }

    @Test("Header injection: CR/LF in a subject or a name never makes an extra header; a bad recipient is refused")
    func injection() async throws {
        var settings = Self.settings
        settings.from = "Acme\r\nBcc: evil@example.org <replies@rapport.test>"
        let mail = try OutgoingMail(
            job: Self.job(subject: "Hi\r\nBcc: evil@example.org\nX-Evil: 1"), mail: settings, date: Date())
        #expect(!headers(mail.text).contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("X-Evil:") })
        var job = Self.job()
        job.to = "sam@example.org\r\nBcc: evil@example.org"
        #expect(throws: MailError.self) { try OutgoingMail(job: job, mail: Self.settings, date: Date()) }
        job.to = "Sam <sam@example.org>"
        #expect(throws: MailError.self) { try OutgoingMail(job: job, mail: Self.settings, date: Date()) }
    }

    @Test("Quoted-printable: =, trailing spaces, long lines and UTF-8 round-trip")
    func quotedPrintable() {
        let text = "a=b  \n" + String(repeating: "é", count: 60) + "\nend\t"
        let encoded = MIMEEncoding.quotedPrintable(text)
        #expect(encoded.split(separator: "\n").allSatisfy { $0.count <= 76 })
        #expect(encoded.hasPrefix("a=3Db =20\n"))
        #expect(String(decoding: MIMEEncoding.decodeQuotedPrintable(Data(encoded.utf8)), as: UTF8.self) == text)
    }

    @Test("R35: Postfix's real bounce becomes a bounce with its recipient, status and job")
    func dsn() async throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/postfix-dsn", withExtension: "eml"))
        let message = ReplyMailbox.inbound(from: ReceivedMail(try Data(contentsOf: url)), fallbackTime: Date())
        #expect(message.kind == .bounce && message.channel == .email)
        #expect(message.recipient == "nobody-here@rapport.test")
        #expect(message.status == "5.1.1" && message.isPermanentFailure)
        #expect(message.inReplyTo == "j-11111111111111111111111111111111")
        #expect(message.detail?.isEmpty == false)
    }

    @Test("R34: a reply keeps what the sender wrote, without quoted history or signature; its job from In-Reply-To")
    func reply() {
        let raw = """
            From: "Sam Rivera" <Sam@Example.org>\r
            To: replies@rapport.test\r
            Subject: Re: A friendly reminder\r
            In-Reply-To: <\(Self.jobID)@rapport.test>\r
            Message-ID: <abc@example.org>\r
            Date: Mon, 30 Nov 2026 15:03:00 +0000\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            STOP\r
            \r
            --\r
            Sam\r
            \r
            On Mon, Nov 30, 2026 at 9:00 AM Rapport wrote:\r
            > Hi Sam, a friendly reminder\r
            """
        let message = ReplyMailbox.inbound(from: ReceivedMail(Data(raw.utf8)), fallbackTime: Date())
        #expect(message.kind == .message && message.text == "STOP")
        #expect(message.inReplyTo == Self.jobID && message.providerID == "<abc@example.org>")
        #expect(message.address == "sam@example.org")
        #expect(message.receivedAt == Date(timeIntervalSince1970: 1_796_050_980))
    }

    @Test("An HTML-only reply becomes text; a mail to the List-Unsubscribe address is an unsubscribe")
    func htmlAndUnsubscribe() {
        let html = """
            From: ana@example.org
            To: replies@rapport.test
            Content-Type: multipart/alternative; boundary="b1"

            --b1
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            <div>No me escriban m=C3=A1s, por favor</div><blockquote>Hola Ana</blockquote>
            --b1--
            """
        let reply = ReplyMailbox.inbound(from: ReceivedMail(Data(html.utf8)), fallbackTime: Date())
        #expect(reply.text == "No me escriban más, por favor")
        let unsubscribe = """
            From: ana@example.org
            Delivered-To: bounces+unsub-\(Self.jobID)@rapport.test
            Subject: unsubscribe

            """
        let message = ReplyMailbox.inbound(from: ReceivedMail(Data(unsubscribe.utf8)), fallbackTime: Date())
        #expect(
            message.kind == .unsubscribe && message.recipient == "ana@example.org" && message.inReplyTo == Self.jobID)
    }
}
