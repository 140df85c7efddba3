import Foundation
import RapportCore

/// Every message a debtor can read, rendered from fixed example states into one Markdown page
/// a person reads top to bottom: each kind, in each channel and language, in each firmness.
///
/// The shipped templates' gallery is `docs/MESSAGES.md` (a test fails when it is stale); an
/// operator who edits the templates gets the same page for theirs with `rapportctl gallery`.
/// The facts come from the planner's own statement (R20, R37) over example agreements and
/// events, so the page shows what the planner would really say, not what a template author
/// imagined.
public enum MessageGallery {
    /// The day every example message is sent: a Thursday.
    static let sendDay = LocalDate(year: 2026, month: 12, day: 3) ?? LocalDate(daysSinceEpoch: 0)
    static let clock = ZoneClock(identifier: "America/Chicago")

    /// One example situation of an agreement.
    struct Situation {
        var title: String
        /// The payments, promises and other events of the first agreement.
        var events: [Event]
        /// Whether the example is one message covering two agreements due on different days (R28).
        var grouped = false
        /// The messages the debtor already had: what a follow-up may say of their silence (R37).
        var history: [ContactRecord] = []
    }

    /// September's and October's installments paid.
    static let onTime = [payment("50.00", day: -66), payment("50.00", day: -36)]
    static let onTrack = Situation(title: "on track", events: onTime + [payment("50.00", day: -6)])
    static let oneMiss = Situation(title: "one payment missed", events: onTime)
    static let partlyPaid = Situation(
        title: "one payment missed, $20.00 of it paid", events: onTime + [payment("20.00", day: -2)])
    static let threeMisses = Situation(title: "three payments missed", events: [])
    static let heard = Situation(
        title: "one payment missed; a phone call on November 30, two messages since",
        events: onTime + [event(.conversation, day: -3)], history: written(days: [-2, -1]))
    static let unanswered = Situation(
        title: "three payments missed; three messages unanswered", events: [],
        history: written(days: [-20, -12, -5]))
    static let promised = Situation(
        title: "a promise to pay $50.00 tomorrow",
        events: onTime + [
            {
                var promise = event(.promise, day: -1)
                promise.date = sendDay.adding(days: 1)
                promise.amount = Money("50.00")
                return promise
            }()
        ])
    static let paidOff = Situation(title: "paid off", events: onTime + [payment("150.00", day: -1)])
    static let twoAgreements = Situation(title: "two agreements due on different days", events: [], grouped: true)
    static let hardship = Situation(
        title: "a hardship until January 15", events: onTime + [event(.hardship, day: 0, until: "2027-01-15")])

    /// The situations each kind is shown in, and whether the firmer wording is shown too.
    static let catalogue: [(kind: ContactKind, situations: [Situation], firmness: Bool)] = [
        (.welcome, [onTrack], false),
        (.preDue, [onTrack, twoAgreements, threeMisses], false),
        (.dueToday, [onTrack], false),
        (.missed, [oneMiss, partlyPaid, threeMisses], false),
        (.followUp, [oneMiss, heard, unanswered], true),
        (.promiseReminder, [promised], false),
        (.thanks, [onTrack], false),
        (.progress, [onTrack], false),
        (.checkIn, [onTrack, threeMisses], false),
        (.completed, [paidOff], false),
        (.ceaseConfirmation, [onTrack], false),
        (.optOutConfirmation, [onTrack], false),
        (.help, [onTrack], false),
        (.planChanged, [onTrack], false),
        (.promiseAck, [promised], false),
        (.disputeAck, [onTrack], false),
        (.pauseAck, [hardship], false),
        (.optInConfirmation, [onTrack], false),
        (.replyAck, [onTrack], false),
    ]

    /// The whole gallery for `renderer`'s templates and sender.
    public static func markdown(_ renderer: MessageRenderer) -> String {
        var page = """
            # What a debtor reads

            Every message Rapport can send, rendered by `rapportctl gallery` from the templates and the \
            `[sender]` of the configuration. Do not edit by hand: change the templates, then run \
            `rapportctl gallery --config config/rapport.toml --stories docs/stories --out docs/MESSAGES.md`.

            The examples: $50.00 a month due on the 28th on account LN-0417, each message sent on \
            \(DateWords.format(sendDay, language: "en")), 2026 (a due-day reminder on its due date). SMS lines give \
            the encoding and billed segments (R36). Calls (R23) are only for \
            \(ContactKind.allCases.filter(\.mayUseVoice).map { "`\($0.rawValue)`" }.joined(separator: ", ")), and \
            their script is the same for all of them; letters carry the e-mail's text under a letterhead; both are \
            shown at the end, with a UK debtor's and a Spanish one in Spain.

            """
        for (kind, situations, firmness) in catalogue {
            page += "\n## `\(kind.rawValue)`\n"
            for situation in situations {
                for firm in firmness ? [false, true] : [false] {
                    for language in MessageRenderer.languages {
                        let contact = example(kind, in: situation, language: language, firm: firm)
                        page += "\n### \(situation.title)\(firm ? ", firmer" : "") · \(language)\n\n"
                        page += section(renderer, contact)
                    }
                }
            }
        }
        return page + others(renderer)
    }

    /// Calls, letters and the other countries' forms.
    private static func others(_ renderer: MessageRenderer) -> String {
        var page = "\n## Calls\n"
        for language in MessageRenderer.languages {
            var call = example(.missed, in: oneMiss, language: language, firm: false)
            call.channel = .voice
            page += "\n### \(language)\n\n" + quoted(renderer.render(call).body) + "\n"
        }
        page += "\n## Letters\n"
        for language in MessageRenderer.languages {
            var letter = example(.preDue, in: onTrack, language: language, firm: false)
            letter.channel = .letter
            letter.to = "1200 Main Street, Apt 4\nAustin, TX 78701"
            page += "\n### pre_due · \(language)\n\n" + quoted(renderer.render(letter).body) + "\n"
        }
        page += "\n## Other countries\n"
        for (locale, currency, kind) in [("en-GB", "GBP", ContactKind.missed), ("es-ES", "EUR", .preDue)] {
            var contact = example(kind, in: oneMiss, language: locale, firm: false, currency: currency)
            contact.channel = .email
            let mail = renderer.render(contact)
            page +=
                "\n### \(kind.rawValue) · \(locale), \(currency)\n\nE-mail, subject \"\(mail.subject ?? "")\":\n\n"
                + quoted(mail.body) + "\n"
        }
        return page
    }

    /// The SMS and the e-mail of one example.
    private static func section(_ renderer: MessageRenderer, _ contact: PlannedContact) -> String {
        var sms = contact
        sms.channel = .sms
        let text = renderer.render(sms).body
        let length = SMSLength(measuring: text)
        var email = contact
        email.channel = .email
        let mail = renderer.render(email)
        return "SMS (\(length.encoding.rawValue), \(length.segments) segment\(length.segments == 1 ? "" : "s")):\n\n"
            + quoted(text) + "\n\nE-mail, subject \"\(mail.subject ?? "")\":\n\n" + quoted(mail.body) + "\n"
    }

    private static func quoted(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? ">" : "> " + $0 }
            .joined(separator: "\n")
    }

    /// The contact the planner would make for `kind` in `situation`, in `language`.
    static func example(
        _ kind: ContactKind, in situation: Situation, language: String, firm: Bool, currency: String = "USD"
    ) -> PlannedContact {
        let now = Date(timeIntervalSince1970: Double(sendDay.daysSinceEpoch) * 86_400 + 15 * 3600)
        let states = agreements(in: situation, currency: currency).map { agreement in
            AgreementState(agreement: agreement, events: situation.events, now: now)
        }
        let coming = states[0].unpaid.first { $0.due >= sendDay }
        let keys = states.compactMap { state in
            state.unpaid.first { $0.due >= sendDay }.map { TouchpointKey.reminder(kind, state.agreement.id, $0.id) }
        }
        let thanked = states[0].payments.last.map { [TouchpointKey.thanks(states[0].agreement.id, $0)] } ?? []
        // A due-day reminder goes out on its due date, so that is the day its figures are for.
        let day = kind == .dueToday ? coming?.due ?? sendDay : sendDay
        let statement = clock.map {
            Planner(policy: .standard).statement(
                of: kind, keys: kind == .thanks ? thanked : keys, about: states, history: situation.history,
                at: $0.instant(of: day, at: LocalTime(minutes: 10 * 60) ?? .midnight), clock: $0)
        }
        var contact = MessageExamples.contact(
            kind, language: language, name: language.hasPrefix("es") ? "María José" : "Sam", currency: currency,
            statement: statement, agreements: states.count,
            installment: kind == .preDue || kind == .dueToday ? coming : states[0].unpaid.first)
        contact.firm = firm
        contact.reference = states[0].agreement.referenceForMessages
        return contact
    }

    /// The example agreements: $50.00 due on the 28th from September to January; a second of
    /// $30.00 due on December 26 when grouped.
    private static func agreements(in situation: Situation, currency: String) -> [Agreement] {
        let months = ["2026-09-28", "2026-10-28", "2026-11-28", "2026-12-28", "2027-01-28"]
        var agreements = [agreement("A-1", reference: "LN-0417", months.map { ($0, "50.00") }, currency: currency)]
        if situation.grouped {
            agreements.append(agreement("A-2", reference: "TEL-3310", [("2026-12-26", "30.00")], currency: currency))
        }
        return agreements
    }

    private static func agreement(
        _ id: String, reference: String, _ installments: [(String, String)], currency: String
    ) -> Agreement {
        Agreement(
            id: MessageExamples.id(id), debtor: Debtor(id: MessageExamples.id("D-1"), name: "Example"),
            contacts: [.sms: "+12145550100"], currency: currency,
            installments: installments.enumerated().map { index, item in
                Installment(
                    id: MessageExamples.id(String(index + 1)), due: LocalDate(item.0) ?? sendDay,
                    amount: Money(item.1) ?? .zero)
            }, reference: reference)
    }

    /// Written contacts delivered `days` before the send day, about the first agreement.
    private static func written(days: [Int]) -> [ContactRecord] {
        days.map { day in
            let at = instant(day: day)
            let key = TouchpointKey(rawValue: "follow_up:A-1:example:\(day)")
            return ContactRecord(
                jobID: JobID(touchpoint: key, attempt: 0), touchpoint: key, agreements: [MessageExamples.id("A-1")],
                kind: .followUp, channel: .email, notBefore: at, notAfter: at, state: .delivered,
                timezone: "America/Chicago", recipient: "sam@example.org")
        }
    }

    private static func payment(_ amount: String, day: Int) -> Event {
        Event(agreement: MessageExamples.id("A-1"), type: .payment, at: instant(day: day), amount: Money(amount))
    }

    private static func event(_ type: EventType, day: Int, until: String? = nil) -> Event {
        Event(
            agreement: MessageExamples.id("A-1"), type: type, at: instant(day: day),
            until: until.flatMap(LocalDate.init))
    }

    private static func instant(day: Int) -> Date {
        Date(timeIntervalSince1970: Double(sendDay.adding(days: day).daysSinceEpoch) * 86_400 + 16 * 3600)
    }
}
