import Foundation
import RapportCore

/// Every message a debtor can read, rendered from fixed example states into one Markdown page
/// a person reads top to bottom: each kind, in each channel and language, in each firmness.
///
/// The shipped templates' gallery is `docs/MESSAGES.md` (a test fails when it is stale); an
/// operator who edits the templates gets the same page for theirs with `rapportctl gallery`.
/// The figures come from the planner's own statement (R20) over example agreements, so the
/// page shows what the planner would really say, not what a template author imagined.
public enum MessageGallery {
    /// The day every example message is sent: a Thursday.
    static let sendDay = LocalDate(year: 2026, month: 12, day: 3) ?? LocalDate(daysSinceEpoch: 0)

    /// One example situation of an agreement.
    struct Situation {
        var title: String
        /// The payments and promises of the first agreement.
        var events: [Event]
        /// Whether the example is one message covering two agreements (R28).
        var grouped = false
    }

    /// September's and October's installments paid.
    static let onTime = [payment("50.00", day: -60), payment("50.00", day: -30)]
    static let onTrack = Situation(title: "on track", events: onTime + [payment("50.00", day: -2)])
    static let oneMiss = Situation(title: "one payment missed", events: onTime)
    static let threeMisses = Situation(
        title: "three payments missed, one partly paid", events: [payment("20.00", day: -20)])
    static let promised = Situation(
        title: "a promise to pay tomorrow",
        events: onTime + [
            Event(
                agreement: MessageExamples.id("A-1"), type: .promise, at: instant(day: -1),
                date: sendDay.adding(days: 1))
        ])
    static let paidOff = Situation(title: "paid off", events: onTime + [payment("150.00", day: -1)])
    static let twoAgreements = Situation(title: "two agreements due together", events: onTrack.events, grouped: true)

    /// The situations each kind is shown in, and whether the firmer wording is shown too.
    static let catalogue: [(kind: ContactKind, situations: [Situation], firmness: Bool)] = [
        (.welcome, [onTrack], false),
        (.preDue, [onTrack, twoAgreements, threeMisses], false),
        (.dueToday, [onTrack], false),
        (.missed, [oneMiss, threeMisses], false),
        (.followUp, [oneMiss, threeMisses], true),
        (.promiseReminder, [promised], false),
        (.thanks, [onTrack], false),
        (.progress, [onTrack], false),
        (.checkIn, [onTrack, threeMisses], false),
        (.completed, [paidOff], false),
        (.ceaseConfirmation, [onTrack], false),
        (.optOutConfirmation, [onTrack], false),
        (.help, [onTrack], false),
    ]

    /// The whole gallery for `renderer`'s templates and sender.
    public static func markdown(_ renderer: MessageRenderer) -> String {
        var page = """
            # What a debtor reads

            Every message Rapport can send, rendered by `rapportctl gallery` from the templates and the \
            `[sender]` of the configuration. Do not edit by hand: change the templates, then run \
            `rapportctl gallery --out docs/MESSAGES.md`.

            The examples: $50.00 a month due on the 28th, each message sent on \
            \(DateWords.format(sendDay, language: "en")), 2026 (a due-day reminder on its due date). SMS lines give \
            the encoding and billed segments (R36); letters carry the e-mail's text without its subject. \
            Calls (R23) are only for \
            \(ContactKind.allCases.filter(\.mayUseVoice).map { "`\($0.rawValue)`" }.joined(separator: ", ")), and \
            their script is the same for all of them (shown at the end).

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
        page += "\n## Calls\n"
        for language in MessageRenderer.languages {
            var call = example(.missed, in: oneMiss, language: language, firm: false)
            call.channel = .voice
            page += "\n### \(language)\n\n" + quoted(renderer.render(call).body) + "\n"
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
    static func example(_ kind: ContactKind, in situation: Situation, language: String, firm: Bool) -> PlannedContact {
        let now = Date(timeIntervalSince1970: Double(sendDay.daysSinceEpoch) * 86_400 + 15 * 3600)
        let states = agreements(in: situation).map { agreement in
            AgreementState(agreement: agreement, events: situation.events, now: now)
        }
        let coming = states[0].unpaid.first { $0.due >= sendDay }
        let keys = states.compactMap { state in
            state.unpaid.first { $0.due >= sendDay }.map { TouchpointKey.reminder(kind, state.agreement.id, $0.id) }
        }
        // A due-day reminder goes out on its due date, so that is the day its figures are for.
        let day = kind == .dueToday ? coming?.due ?? sendDay : sendDay
        let statement = Planner(policy: .standard).statement(of: kind, keys: keys, about: states, on: day)
        var contact = MessageExamples.contact(
            kind, language: language, name: language == "es" ? "María José" : "Sam", statement: statement,
            agreements: states.count,
            installment: kind == .preDue || kind == .dueToday ? coming : states[0].unpaid.first)
        contact.firm = firm
        if kind == .thanks { contact.paymentAmount = situation.events.last?.amount }
        return contact
    }

    /// The example agreements: $50.00 due on the 28th from September to January; a second of
    /// $30.00 due on December 29 when grouped.
    private static func agreements(in situation: Situation) -> [Agreement] {
        let months = ["2026-09-28", "2026-10-28", "2026-11-28", "2026-12-28", "2027-01-28"]
        var agreements = [agreement("A-1", months.map { ($0, "50.00") })]
        if situation.grouped { agreements.append(agreement("A-2", [("2026-12-29", "30.00")])) }
        return agreements
    }

    private static func agreement(_ id: String, _ installments: [(String, String)]) -> Agreement {
        Agreement(
            id: MessageExamples.id(id), debtor: Debtor(id: MessageExamples.id("D-1"), name: "Example"),
            contacts: [.sms: "+12145550100"],
            installments: installments.enumerated().map { index, item in
                Installment(
                    id: MessageExamples.id(String(index + 1)), due: LocalDate(item.0) ?? sendDay,
                    amount: Money(item.1) ?? .zero)
            })
    }

    private static func payment(_ amount: String, day: Int) -> Event {
        Event(agreement: MessageExamples.id("A-1"), type: .payment, at: instant(day: day), amount: Money(amount))
    }

    private static func instant(day: Int) -> Date {
        Date(timeIntervalSince1970: Double(sendDay.adding(days: day).daysSinceEpoch) * 86_400 + 12 * 3600)
    }
}
