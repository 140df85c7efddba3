import Foundation
import RapportCore

/// Planned contacts made up to render messages without a database: the worst cases R36
/// measures, the shortest cases R38 checks, and the fixed example states of the gallery.
enum MessageExamples {
    /// The largest amount the budgets are computed at.
    static let largestAmount = Money(hundredths: 99_999_999)
    /// A date whose weekday and month are the longest in both languages ("Wednesday,
    /// September 30", "miércoles 30 de septiembre").
    static let longestDate = LocalDate(year: 2026, month: 9, day: 30) ?? LocalDate(daysSinceEpoch: 0)
    /// The same in the next year, so it carries its year (R37).
    static let longestNextYearDate = LocalDate(year: 2027, month: 9, day: 29) ?? longestDate
    /// The longest reference a message quotes whole (8 characters; longer ones are cut to
    /// their last 4, `Agreement.referenceForMessages`).
    static let longestReference = "LN-00417"
    /// Currencies whose written forms differ in length: symbols, a code, Spain's euros.
    static let currencies = ["USD", "EUR", "GBP", "MXN"]
    /// The currencies whose amounts are written longest: a code after the figure (`MXN`), and
    /// the euro (two GSM-7 septets, and Spain's form in Spanish).
    static let longestCurrencies = ["MXN", "EUR"]

    /// A 20-character name in each language's alphabet.
    static func longestName(_ language: String) -> String {
        language == "es" ? "María José Fernández" : "Alexandria Whitfield"
    }

    /// `kind` in every combination of the optional parts its template may show, at the
    /// longest values.
    static func worstCases(of kind: ContactKind, language: String) -> [PlannedContact] {
        var contacts: [PlannedContact] = []
        for currency in longestCurrencies {
            for overdueCount in [0, 1, 12] {
                for firm in [false, true] {
                    for agreements in [1, 2] {
                        for variant in 0..<2 {
                            var example = contact(
                                kind, language: language, name: longestName(language), currency: currency,
                                statement: worstStatement(
                                    overdue: overdueCount, agreements: agreements, variant: variant),
                                agreements: agreements,
                                installment: Installment(id: id("1"), due: longestDate, amount: largestAmount))
                            example.firm = firm
                            example.firstWritten = variant == 0
                            example.reference = longestReference
                            contacts.append(example)
                        }
                    }
                }
            }
        }
        return contacts
    }

    /// Every fact at its longest; `variant` 1 takes the other branch where a template has two
    /// (a partial payment received or not, "several times" or the last day heard from).
    private static func worstStatement(overdue count: Int, agreements: Int, variant: Int) -> Statement {
        let day = longestDate.adding(days: -2)
        let arrears =
            count == 0
            ? nil
            : Arrears(
                total: largestAmount, count: count, oldest: longestNextYearDate,
                received: variant == 0 ? largestAmount : .zero)
        var statement = Statement(due: largestAmount, overdue: arrears, day: day)
        statement.parts = (0..<agreements).map {
            Statement.Part(reference: longestReference, amount: largestAmount, due: longestDate.adding(days: $0 * 364))
        }
        statement.balance = largestAmount
        statement.schedule = (0..<12).map {
            Statement.Part(
                reference: longestReference, amount: largestAmount, due: longestNextYearDate.adding(months: $0))
        }
        statement.payment = (largestAmount, longestNextYearDate)
        statement.promise = (longestNextYearDate, largestAmount)
        statement.silence = Statement.Silence(
            unansweredWritten: variant == 0 ? 3 : 2, lastHeard: longestNextYearDate)
        statement.pausedThrough = longestNextYearDate
        return statement
    }

    /// `kind` with the shortest opening: a debtor with no name to greet with, a small amount.
    static func shortest(_ kind: ContactKind, language: String) -> PlannedContact {
        let small = Money(hundredths: 100)
        let day = LocalDate(year: 2026, month: 9, day: 28) ?? longestDate
        var statement = Statement(due: small, overdue: Arrears(total: small, count: 1, oldest: day), day: day)
        statement.balance = small
        statement.parts = [Statement.Part(reference: "A-1", amount: small, due: day)]
        statement.schedule = statement.parts
        statement.payment = (small, day)
        statement.promise = (day, small)
        var example = contact(
            kind, language: language, name: nil, statement: statement,
            installment: Installment(id: id("1"), due: day, amount: small))
        example.reference = "A-1"
        return example
    }

    /// A contact as the planner would make it, with fixed ids and times.
    static func contact(
        _ kind: ContactKind, channel: Channel = .sms, language: String, name: String?, currency: String = "USD",
        statement: Statement?, agreements: Int = 1, installment: Installment?
    ) -> PlannedContact {
        let ids = (1...agreements).map { id("A-\($0)") }
        let touchpoint = TouchpointKey(rawValue: "\(kind.rawValue):A-1")
        return PlannedContact(
            jobID: JobID(touchpoint: touchpoint, attempt: 0), touchpoint: touchpoint, kind: kind,
            channel: channel, to: "+12145550100",
            agreement: ids[0], agreements: ids,
            debtor: Debtor(id: id("D-1"), name: name ?? "Alexandria Whitfield", preferredName: name, locale: language),
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
