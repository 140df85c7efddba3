import Foundation
import RapportConfig
import RapportCore
import RapportTestSupport
import Testing
@testable import RapportMessages

/// The shipped templates rendered as the debtor will read them (R19-R23).
@Suite("Messages")
struct MessageTests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("config/templates").path

    func contact(
        _ kind: ContactKind, channel: Channel, locale: String? = "en", preferred: String? = "Sam",
        overdue: Arrears? = nil
    ) -> PlannedContact {
        PlannedContact(
            jobID: JobID("j-" + StableHash.hex("x"))!, touchpoint: TouchpointKey(rawValue: "t"), kind: kind,
            channel: channel,
            to: "x",
            agreement: Identifier("A-1")!,
            agreements: [Identifier("A-1")!],
            debtor: Debtor(
                id: Identifier("D-1")!, name: "Samuel O'Brien & Co", preferredName: preferred, locale: locale),
            timezone: "America/Chicago", notBefore: Date(), notAfter: Date(), localTime: "x", reason: "r",
            installment: Installment(id: Identifier("1")!, due: LocalDate("2026-12-01")!, amount: Money("50.00")!),
            statement: statement(overdue: overdue), paymentAmount: Money("20.00"), currency: "USD")
    }

    /// What the planner would state on Saturday, November 28: $50.00 due on December 1.
    func statement(overdue: Arrears?) -> Statement {
        let day = LocalDate("2026-11-28")!
        var statement = Statement(due: Money("50.00"), overdue: overdue, day: day)
        statement.parts = [Statement.Part(reference: "A-1", amount: Money("50.00")!, due: LocalDate("2026-12-01")!)]
        statement.balance = Money("100.00")
        statement.payment = (Money("20.00")!, LocalDate("2026-11-27")!)
        statement.promise = (LocalDate("2026-12-01")!, Money("50.00")!)
        return statement
    }

    func renderer(debtCollector: Bool = false) throws -> MessageRenderer {
        var sender = Sender()
        sender.businessName = "Acme Lending"
        sender.phone = "+1 800 555 0100"
        sender.debtCollector = debtCollector
        return try MessageRenderer(directory: Self.templates, sender: sender)
    }

    @Test("R19: every SMS and e-mail carries the opt-out line, in every kind and language", arguments: ["en", "es"])
    func r19OptOut(locale: String) async throws {
        let renderer = try renderer()
        for kind in ContactKind.allCases where kind != .optOutConfirmation && kind != .ceaseConfirmation {
            let sms = renderer.render(contact(kind, channel: .sms, locale: locale))
            // R12: the cease confirmation is the last message; "reply STOP" would contradict it.
            guard kind != .ceaseConfirmation else {
                #expect(!sms.body.contains("STOP") && !sms.body.contains("BAJA"), "R12: \(sms.body)")
                continue
            }
            #expect(sms.body.contains(locale == "es" ? "BAJA" : "STOP"), "\(kind) sms in \(locale)")
            let email = renderer.render(contact(kind, channel: .email, locale: locale))
            #expect(email.body.contains(locale == "es" ? "BAJA" : "UNSUBSCRIBE"), "\(kind) email in \(locale)")
            #expect(email.subject?.isEmpty == false)
        }
        // R33: the confirmation of an opt-out says how to opt back in instead.
        let confirmation = renderer.render(contact(.optOutConfirmation, channel: .sms, locale: locale)).body
        #expect(
            confirmation.contains(locale == "es" ? "ALTA" : "START") && !confirmation.contains("STOP")
                && !confirmation.contains("BAJA"))
    }

    @Test("R20: preferred name, plain amount and date, a way to get help; Spanish when asked, English otherwise")
    func r20() async throws {
        let renderer = try renderer()
        let english = renderer.render(contact(.preDue, channel: .sms))
        #expect(english.body.hasPrefix("Hi Sam,"))
        #expect(english.body.contains("$50.00"))
        #expect(english.body.contains("on December 1"))
        #expect(renderer.render(contact(.preDue, channel: .email)).body.contains("on Tuesday, December 1"))
        #expect(english.body.contains("+1 800 555 0100"))
        let spanish = renderer.render(contact(.preDue, channel: .sms, locale: "es-MX"))
        #expect(spanish.locale == "es")
        #expect(spanish.body.contains("1 de diciembre"))
        #expect(renderer.render(contact(.preDue, channel: .email, locale: "es")).body.contains("martes 1 de diciembre"))
        #expect(renderer.render(contact(.preDue, channel: .sms, locale: "fr")).locale == "en")
        // No preferred and no given name: greeted without a name, never by the full legal name.
        let noPreferred = renderer.render(contact(.thanks, channel: .sms, preferred: nil))
        #expect(noPreferred.body.hasPrefix("Hello, this is Acme Lending"))
        #expect(!noPreferred.body.contains("Samuel"))
        #expect(noPreferred.body.contains("$20.00"))
        var given = contact(.thanks, channel: .sms, preferred: nil)
        given.debtor.givenName = "Sam & Co"
        #expect(renderer.render(given).body.hasPrefix("Hi Sam & Co,"))  // plain text: no HTML escaping
    }

    @Test("R21: the shipped templates never threaten, and a threatening template is refused")
    func r21() async throws {
        for language in MessageRenderer.languages {
            for file in try FileManager.default.contentsOfDirectory(atPath: "\(Self.templates)/\(language)") {
                let text = try String(contentsOfFile: "\(Self.templates)/\(language)/\(file)", encoding: .utf8)
                #expect(ToneLint.threat(in: text) == nil, "\(language)/\(file)")
            }
        }
        let folder = try TemporaryFolder("templates")
        let copy = folder.appending("templates")
        try FileManager.default.copyItem(atPath: Self.templates, toPath: copy.path)
        try "Pay now or we take legal action.".write(
            toFile: copy.appendingPathComponent("en/missed.sms.mustache").path, atomically: false, encoding: .utf8)
        #expect {
            _ = try MessageRenderer(directory: copy.path, sender: Sender())
        } throws: { error in
            "\(error)".contains("legal action") && "\(error)".contains("missed.sms.mustache")
        }
    }

    @Test("R22: the collector disclosure is added when configured")
    func r22() async throws {
        #expect(
            try renderer(debtCollector: true).render(contact(.missed, channel: .sms)).body.contains("debt collector"))
        #expect(try !renderer().render(contact(.missed, channel: .sms)).body.contains("debt collector"))
        #expect(
            try renderer(debtCollector: true).render(contact(.missed, channel: .email, locale: "es")).body.contains(
                "cobrador de deudas"))
    }

    @Test(
        "R23: a voice job's script only names the business, asks for a call back, names a person and gives the number")
    func r23() async throws {
        var sender = Sender()
        sender.businessName = "Acme Lending"
        sender.phone = "+1 800 555 0100"
        sender.contactPerson = "Dana Ortiz"
        let renderer = try MessageRenderer(directory: Self.templates, sender: sender)
        let script = renderer.render(contact(.missed, channel: .voice)).body
        // A person's name to ask for, and the number digit by digit, said twice, so a speech
        // engine does not read "+1 800" as "plus one eight hundred".
        #expect(
            script
                == "Hello, this is a message from Acme Lending. Please call us back and ask for Dana Ortiz. "
                + "Our number is 1, 8 0 0, 5 5 5, 0 1 0 0. Again, that is 1, 8 0 0, 5 5 5, 0 1 0 0. Thank you."
        )
        #expect(!script.contains("+1 800"))
        #expect(!script.contains("$50.00"))
        #expect(!script.contains("Sam"))
    }

    @Test("A missing template is refused at load, naming the file")
    func missingTemplate() async throws {
        let folder = try TemporaryFolder("templates")
        let copy = folder.appending("templates")
        try FileManager.default.copyItem(atPath: Self.templates, toPath: copy.path)
        try FileManager.default.removeItem(atPath: copy.appendingPathComponent("es/thanks.sms.mustache").path)
        #expect {
            _ = try MessageRenderer(directory: copy.path, sender: Sender())
        } throws: { error in
            "\(error)".contains("es/thanks.sms.mustache")
        }
    }
}

extension MessageTests {
    @Test("R25 R21: an escalated follow-up is firmer, and still passes the tone lint")
    func firmer() async throws {
        var contact = contact(
            .followUp, channel: .sms,
            overdue: Arrears(total: Money("50.00")!, count: 1, oldest: LocalDate("2026-12-01")!))
        contact.channel = .email
        contact.statement?.silence = Statement.Silence(unansweredWritten: 3, lastHeard: nil)
        let plain = try renderer().render(contact).body
        contact.firm = true
        let firm = try renderer().render(contact).body
        #expect(firm.count > plain.count)
        #expect(firm.contains("several times"))
        #expect(ToneLint.threat(in: firm) == nil)
        // R37: with two unanswered, the firmer wording says what is on record instead.
        contact.statement?.silence = Statement.Silence(unansweredWritten: 2, lastHeard: LocalDate("2026-11-20"))
        let truthful = try renderer().render(contact).body
        #expect(!truthful.contains("several times"))
        #expect(truthful.contains("We have not heard from you since November 20."))
    }
}
