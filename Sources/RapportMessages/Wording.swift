import RapportCore

/// The written conventions of the debtor's locale: its language (`en`, `es`) and the country
/// whose forms it uses. US English and US Spanish by default; `en-GB` writes dates the British
/// way and points to free debt advice, `es-ES` writes dates and money the way Spain does.
struct LocaleStyle: Sendable, Equatable {
    var language: String
    /// The country subtag when it changes how things are written: `GB`, `ES`, or nil.
    var country: String?

    init(language: String, country: String? = nil) {
        self.language = language
        self.country = country
    }

    /// The style for a language tag such as `en-GB`, `es_ES` or `es`, with the shipped
    /// `language`; a Spanish speaker paying in euros with no country given is taken to be in
    /// Spain.
    init(locale: String?, language: String, currency: String) {
        let parts = (locale ?? "").split(whereSeparator: { $0 == "-" || $0 == "_" })
        let country = parts.dropFirst().first { $0.count == 2 }.map { $0.uppercased() }
        self.language = language
        switch (language, country) {
        case ("en", "GB"), ("es", "ES"): self.country = country
        case ("es", nil) where currency == "EUR": self.country = "ES"
        default: self.country = nil
        }
    }

    static let english = LocaleStyle(language: "en")
    static let spanish = LocaleStyle(language: "es")
}

/// Amounts written plainly (R20): `$1,250.00`, `€50.00`, `£50.00`, or `50.00 CHF` for
/// currencies without a familiar symbol; Spain's forms are `1.250,00 €` and `1.250,00 USD`.
enum MoneyWords {
    static func format(_ money: Money, currency: String, style: LocaleStyle) -> String {
        let text = money.description
        let point = text.firstIndex(of: ".") ?? text.endIndex
        let whole = String(text[..<point])
        let cents = String(text[point...].dropFirst())
        if style.country == "ES" {
            return "\(grouped(whole, by: ".")),\(cents) " + (currency == "EUR" ? "€" : currency)
        }
        let plain = "\(grouped(whole, by: ",")).\(cents)"
        switch currency {
        case "USD": return "$" + plain
        case "EUR": return "€" + plain
        case "GBP": return "£" + plain
        default: return "\(plain) \(currency)"
        }
    }

    /// The form of `language`'s default country, for callers without a debtor.
    static func format(_ money: Money, currency: String, language: String) -> String {
        format(money, currency: currency, style: LocaleStyle(locale: language, language: language, currency: currency))
    }

    /// `1234567` → `1,234,567`.
    private static func grouped(_ digits: String, by separator: String) -> String {
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return groups.joined(separator: separator)
    }
}

/// Dates written the way people say them: "Tuesday, December 1" (US), "Tuesday 1 December"
/// (UK), "martes 1 de diciembre", or without the weekday ("October 28"). A date in another
/// year than the day the message is sent carries its year (R37: "the oldest from October 28"
/// in a March message would be read as this year's). A fixed table rather than locale data
/// keeps messages identical on every machine.
enum DateWords {
    private static let weekdays = [
        "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    ]
    private static let months = [
        "en": [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ],
        "es": [
            "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
            "noviembre", "diciembre",
        ],
    ]

    /// `date` in `style`, with its weekday when asked, and its year when it is not `sentOn`'s
    /// (or always, for a letter's date line).
    static func format(
        _ date: LocalDate, style: LocaleStyle, weekday withWeekday: Bool = true, sentOn: LocalDate?,
        alwaysWithYear: Bool = false
    ) -> String {
        let language = style.language
        let weekday = weekdays[language]?[Weekday.allCases.firstIndex(of: date.weekday) ?? 0] ?? date.weekday.rawValue
        let month = months[language]?[date.month - 1] ?? String(date.month)
        let year = alwaysWithYear || (sentOn.map { $0.year != date.year } ?? false)
        if language == "es" {
            return (withWeekday ? "\(weekday) " : "") + "\(date.day) de \(month)" + (year ? " de \(date.year)" : "")
        }
        if style.country == "GB" {
            return (withWeekday ? "\(weekday) " : "") + "\(date.day) \(month)" + (year ? " \(date.year)" : "")
        }
        return (withWeekday ? "\(weekday), " : "") + "\(month) \(date.day)" + (year ? ", \(date.year)" : "")
    }

    /// In `language`'s default style, always with the weekday choice given and no year.
    static func format(_ date: LocalDate, language: String, weekday: Bool = true) -> String {
        format(date, style: LocaleStyle(language: language), weekday: weekday, sentOn: date)
    }
}
