import Foundation
import RapportConfig
import RapportCore
import Testing

@testable import RapportMessages

/// Issue 24's findings about what the debtor reads, each checked on the shipped templates with
/// the shipped sender: discreet previews (R38), what a debtor needs to act (R39), Spanish with
/// the same facts as English, the countries' forms, confirmations that do not mislead, letters,
/// and the collector's disclosures (R22).
@Suite("What the debtor reads, second pass (R37-R39, R22, R23)")
struct WordingTests {
    static func shipped(_ change: (inout Sender) -> Void = { _ in }) throws -> MessageRenderer {
        var settings = try shippedSettings()
        change(&settings.sender)
        return try MessageRenderer(directory: settings.templatesDirectory, sender: settings.sender)
    }

    static func shippedSettings() throws -> Settings {
        try ConfigLoader.load(path: GalleryTests.root.appendingPathComponent("config/rapport.toml").path)
    }

    /// Every example the gallery shows, in both languages, with the channels of `channels`.
    static func examples(_ channels: [Channel] = [.sms, .email, .letter]) -> [PlannedContact] {
        MessageGallery.catalogue.flatMap { kind, situations, firmness in
            situations.flatMap { situation in
                (firmness ? [false, true] : [false]).flatMap { firm in
                    MessageRenderer.languages.flatMap { language in
                        channels.map { channel in
                            var contact = MessageGallery.example(kind, in: situation, language: language, firm: firm)
                            contact.channel = channel
                            return contact
                        }
                    }
                }
            }
        }
    }

    @Test("R38: no SMS preview and no e-mail subject shows an amount or a debt, for a short sender's name too")
    func r38Previews() throws {
        for business in ["Rapport Demo Lending", "Acme Lending", "Acme"] {
            let renderer = try Self.shipped { $0.businessName = business }
            #expect(renderer.previewLeaks().isEmpty, "\(business): \(renderer.previewLeaks())")
            for contact in Self.examples([.sms, .email]) {
                let message = renderer.render(contact)
                #expect(
                    MessageChecks.previewLeak(message, channel: contact.channel) == nil,
                    "R38: \(contact.kind) \(contact.channel) \(message.subject ?? String(message.body.prefix(40)))")
            }
        }
        #expect(MessageChecks.leak(in: "Acme: $130.00 is overdue on your plan") == "$")
        #expect(MessageChecks.leak(in: "Your payment is due") != nil)
        #expect(MessageChecks.leak(in: "Hi Sam, this is Acme Lending about") == nil)
    }

    @Test("R38: e-mail subjects vary by kind and carry no amount")
    func r38Subjects() throws {
        let renderer = try Self.shipped()
        for language in MessageRenderer.languages {
            let subjects = ContactKind.allCases.compactMap { kind -> String? in
                var contact = MessageGallery.example(kind, in: MessageGallery.onTrack, language: language, firm: false)
                contact.channel = .email
                return renderer.render(contact).subject
            }
            #expect(subjects.count == ContactKind.allCases.count)
            #expect(Set(subjects).count >= 14, "\(language): \(subjects)")
        }
    }

    @Test("R39: every collection message names the reference, how to pay and the phone with its hours, both languages")
    func r39WhatToAct() throws {
        let sender = try Self.shippedSettings().sender
        let renderer = try Self.shipped()
        var checked = 0
        for contact in Self.examples() where contact.kind.asksForPayment {
            let message = renderer.render(contact)
            let missing = MessageChecks.missingToAct(
                message, kind: contact.kind, channel: contact.channel, reference: contact.reference, sender: sender)
            #expect(missing.isEmpty, "R39: \(contact.kind) \(contact.channel) lacks \(missing): \(message.body)")
            checked += 1
        }
        #expect(checked > 40)
        // A balance in an e-mail or letter is given "as of" its date.
        var email = MessageGallery.example(.missed, in: MessageGallery.oneMiss, language: "en", firm: false)
        email.channel = .email
        #expect(renderer.render(email).body.contains("Balance as of December 3: $150.00."))
        email.debtor.locale = "es"
        #expect(renderer.render(email).body.contains("Saldo al 3 de diciembre: $150.00."))
    }

    @Test("R39: a check-config without pay_url or pay_instructions still renders whole sentences")
    func r39NoPayment() throws {
        let renderer = try Self.shipped {
            $0.payURL = ""
            $0.payInstructions = ""
            $0.payInstructionsSpanish = ""
        }
        for contact in Self.examples([.sms, .email]) where contact.kind.asksForPayment {
            let body = renderer.render(contact).body
            #expect(!body.contains("  ") && !body.contains(". or") && !body.contains(". o "), "\(body)")
        }
    }

    /// The facts a message states, as a reader checks them: every number (amounts, dates' days
    /// and years, the phone's digits), the reference and the links.
    /// The phone hours are the same hours in each language's notation ("9-6", "9-18 h"), so
    /// they are compared as the configured pair, not digit by digit.
    static func facts(_ text: String, sender: Sender) -> [String] {
        var text = text
        for hours in [sender.phoneHours, sender.phoneHoursSpanish] where !hours.isEmpty {
            text = text.replacingOccurrences(of: hours, with: "HOURS")
        }
        let numbers = text.split { !$0.isNumber }.map(String.init)
        let words = text.split(whereSeparator: \.isWhitespace)
        let links = words.filter { $0.contains("example.org") }.map {
            $0.trimmingCharacters(in: .punctuationCharacters)
        }
        return (numbers + links + words.filter { $0.contains("HOURS") }.map { _ in "hours" }).sorted()
    }

    @Test("R39 R20: Spanish states the same facts as English, kind by kind and channel by channel")
    func spanishParity() throws {
        let renderer = try Self.shipped()
        let sender = try Self.shippedSettings().sender
        for kind in ContactKind.allCases {
            for (situations, firm) in MessageGallery.catalogue.filter({ $0.kind == kind }).map({
                ($0.situations, $0.firmness)
            }) {
                for situation in situations {
                    for channel in [Channel.sms, .email, .letter, .voice] {
                        var english = MessageGallery.example(kind, in: situation, language: "en", firm: firm)
                        english.channel = channel
                        var spanish = MessageGallery.example(kind, in: situation, language: "es", firm: firm)
                        spanish.channel = channel
                        let en = renderer.render(english), es = renderer.render(spanish)
                        #expect(
                            Self.facts(en.body, sender: sender) == Self.facts(es.body, sender: sender),
                            "\(kind) \(situation.title) \(channel):\n\(en.body)\n\(es.body)")
                    }
                }
            }
        }
    }

    @Test("Spanish: natural US Spanish, usted, no English and no calques; English without jargon")
    func plainLanguage() throws {
        let folder = GalleryTests.root.appendingPathComponent("config/templates")
        let forbidden = [
            "es": [
                "recordatorio amable", "contarnos una dificultad", "pago planeado", "una breve noticia",
                "que le funcione", "customer care", "stop", "start", "se dio de baja", "sigue pendiente $",
                "vencido en", " tú ", " te ", "tu pago",
            ],
            "en": ["still open", "overdue across", "tell us about a hardship", "customer care"],
        ]
        for (language, phrases) in forbidden {
            for file in try FileManager.default.contentsOfDirectory(
                atPath: folder.appendingPathComponent(language).path)
            {
                let text = try String(
                    contentsOf: folder.appendingPathComponent("\(language)/\(file)"), encoding: .utf8
                ).lowercased()
                for phrase in phrases {
                    #expect(!text.contains(phrase), "\(language)/\(file) says \"\(phrase)\"")
                }
            }
        }
    }

    @Test("R20: the greeting falls back to the given name, never the full legal name; es-ES and en-GB forms")
    func greetingsAndCountries() throws {
        let renderer = try Self.shipped()
        var contact = MessageGallery.example(.preDue, in: MessageGallery.onTrack, language: "es", firm: false)
        contact.debtor = Debtor(
            id: contact.debtor.id, name: "María José Fernández", givenName: "María José", locale: "es")
        #expect(renderer.render(contact).body.hasPrefix("Hola, María José."))
        contact.debtor.givenName = nil
        let nameless = renderer.render(contact).body
        #expect(nameless.hasPrefix("Hola. ") && !nameless.contains("Fernández"))

        contact.channel = .email
        contact.currency = "EUR"
        contact.debtor.locale = "es-ES"
        contact.statement?.balance = Money("1234.50")
        #expect(renderer.render(contact).body.contains("1.234,50 €"))

        var british = MessageGallery.example(.missed, in: MessageGallery.oneMiss, language: "en-GB", firm: false)
        british.channel = .email
        let uk = renderer.render(british).body
        #expect(uk.contains("28 November") && !uk.contains("November 28"))
        #expect(uk.contains("moneyhelper.org.uk"), "FCA CONC 7.3: free debt advice")
        var american = british
        american.debtor.locale = "en"
        #expect(!renderer.render(american).body.contains("moneyhelper"))
        american.region = "GB-ENG"
        #expect(renderer.render(american).body.contains("moneyhelper"), "a UK agreement in US English")
    }

    @Test("R37: a date in another year carries the year; today and tomorrow only in SMS and calls")
    func r37Dates() throws {
        let renderer = try Self.shipped()
        var promise = MessageGallery.example(.promiseReminder, in: MessageGallery.promised, language: "en", firm: false)
        promise.channel = .sms
        #expect(renderer.render(promise).body.contains("$50.00 tomorrow"))
        promise.channel = .email
        let email = renderer.render(promise).body
        #expect(email.contains("$50.00 on Friday, December 4") && !email.contains("tomorrow"))
        promise.channel = .letter
        #expect(!renderer.render(promise).body.contains("tomorrow"))
        promise.debtor.locale = "es"
        #expect(!renderer.render(promise).body.contains("mañana"))

        var march = MessageGallery.example(.followUp, in: MessageGallery.unanswered, language: "en", firm: false)
        march.statement?.day = LocalDate("2027-03-04")
        march.channel = .email
        #expect(renderer.render(march).body.contains("the oldest due on September 28, 2026"))
        march.debtor.locale = "es"
        #expect(renderer.render(march).body.contains("el 28 de septiembre de 2026"))
    }

    @Test("R31 R12: confirmations say what continues, give the number, and never contradict themselves")
    func confirmations() throws {
        let renderer = try Self.shipped()
        for language in MessageRenderer.languages {
            var optOut = MessageGallery.example(
                .optOutConfirmation, in: MessageGallery.onTrack, language: language, firm: false)
            optOut.channel = .sms
            let sms = renderer.render(optOut).body
            #expect(sms.contains("+1 800 555 0100"), "\(language): \(sms)")
            #expect(sms.contains(language == "es" ? "correo" : "e-mail or letter"), "\(language): \(sms)")
            var cease = MessageGallery.example(
                .ceaseConfirmation, in: MessageGallery.onTrack, language: language, firm: false)
            for channel in [Channel.sms, .email] {
                cease.channel = channel
                let body = renderer.render(cease).body
                #expect(!body.contains("STOP") && !body.contains("BAJA") && !body.contains("UNSUBSCRIBE"), "\(body)")
                #expect(body.contains("$100.00") && body.contains("example.org/pay"), "balance and how to pay: \(body)")
            }
        }
    }

    @Test("R22: a collector's first written message carries the full disclosure, later ones the short")
    func r22Disclosures() throws {
        let renderer = try Self.shipped { $0.debtCollector = true }
        var first = MessageGallery.example(.preDue, in: MessageGallery.onTrack, language: "en", firm: false)
        first.channel = .email
        first.firstWritten = true
        #expect(renderer.render(first).body.contains("This is an attempt to collect a debt"))
        first.firstWritten = false
        let later = renderer.render(first).body
        #expect(later.contains("This communication is from a debt collector.") && !later.contains("attempt to collect"))
        first.channel = .sms
        #expect(renderer.render(first).body.contains("From a debt collector."))
        first.debtor.locale = "es"
        first.channel = .email
        first.firstWritten = true
        #expect(renderer.render(first).body.contains("Es un intento de cobrar una deuda"))
    }

    @Test("R24: a letter carries its date, the address and the reference")
    func letters() throws {
        let renderer = try Self.shipped()
        var letter = MessageGallery.example(.preDue, in: MessageGallery.onTrack, language: "en", firm: false)
        letter.channel = .letter
        letter.to = "1200 Main Street\nAustin, TX 78701"
        let body = renderer.render(letter).body
        #expect(
            body.hasPrefix("December 3, 2026\n\nSam\n1200 Main Street\nAustin, TX 78701\n\nAccount reference: LN-0417"))
        #expect(renderer.render(letter).subject == nil)
    }
}
