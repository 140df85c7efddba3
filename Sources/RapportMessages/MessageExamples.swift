import Foundation
import RapportCore

/// Planned contacts made up to render messages without a database: the worst cases R36
/// measures, and the fixed example states of the message gallery.
enum MessageExamples {
    /// The largest amount the budgets are computed at.
    static let largestAmount = Money(hundredths: 99_999_999)
    /// A date whose weekday and month are the longest in both languages ("Wednesday,
    /// September 30", "miércoles 30 de septiembre").
    static let longestDate = LocalDate(year: 2026, month: 9, day: 30) ?? LocalDate(daysSinceEpoch: 0)
    /// Currencies whose written forms differ in length: symbols, a code, Spain's euros.
    static let currencies = ["USD", "EUR", "GBP", "MXN"]

    /// A 20-character name in each language's alphabet.
    static func longestName(_ language: String) -> String {
        language == "es" ? "María José Fernández" : "Alexandria Whitfield"
    }

    /// `kind` in every combination of the optional parts its template may show, at the
    /// longest values.
    static func worstCases(of kind: ContactKind, language: String) -> [PlannedContact] {
        var contacts: [PlannedContact] = []
        for currency in currencies {
            for overdueCount in [0, 1, 12] {
                for firm in [false, true] {
                    for agreements in [1, 2] {
                        let overdue =
                            overdueCount == 0
                            ? nil : Arrears(total: largestAmount, count: overdueCount, oldest: longestDate)
                        var example = contact(
                            kind, language: language, name: longestName(language), currency: currency,
                            statement: Statement(due: largestAmount, overdue: overdue), agreements: agreements,
                            installment: Installment(id: id("1"), due: longestDate, amount: largestAmount))
                        example.firm = firm
                        example.paymentAmount = largestAmount
                        contacts.append(example)
                    }
                }
            }
        }
        return contacts
    }

    /// A contact as the planner would make it, with fixed ids and times.
    static func contact(
        _ kind: ContactKind, channel: Channel = .sms, language: String, name: String, currency: String = "USD",
        statement: Statement?, agreements: Int = 1, installment: Installment?
    ) -> PlannedContact {
        let ids = (1...agreements).map { id("A-\($0)") }
        let touchpoint = TouchpointKey(rawValue: "\(kind.rawValue):A-1")
        return PlannedContact(
            jobID: JobID(touchpoint: touchpoint, attempt: 0), touchpoint: touchpoint, kind: kind,
            channel: channel, to: "+12145550100",
            agreement: ids[0], agreements: ids, debtor: Debtor(id: id("D-1"), name: name, locale: language),
            timezone: "America/Chicago", notBefore: Date(timeIntervalSince1970: 0),
            notAfter: Date(timeIntervalSince1970: 0),
            localTime: "", reason: "example", installment: installment, statement: statement, paymentAmount: nil,
            currency: currency)
    }

    /// An identifier written in this file.
    static func id(_ text: String) -> Identifier {
        guard let id = Identifier(text) else { preconditionFailure("\(text) is not a valid example id") }
        return id
    }
}
