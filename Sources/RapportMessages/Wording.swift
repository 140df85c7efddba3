import RapportCore

/// Amounts written plainly (R20): `$1,250.00`, `€50.00`, `£50.00`, or `50.00 CHF` for
/// currencies without a familiar symbol; Spanish writes euros the way Spain does, `1.250,00 €`.
enum MoneyWords {
    static func format(_ money: Money, currency: String, language: String) -> String {
        let text = money.description
        let point = text.firstIndex(of: ".") ?? text.endIndex
        let whole = String(text[..<point])
        let cents = String(text[point...].dropFirst())
        if language == "es", currency == "EUR" { return "\(grouped(whole, by: ".")),\(cents) €" }
        let plain = "\(grouped(whole, by: ",")).\(cents)"
        switch currency {
        case "USD": return "$" + plain
        case "EUR": return "€" + plain
        case "GBP": return "£" + plain
        default: return "\(plain) \(currency)"
        }
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

/// Dates written the way people say them, in the shipped languages: "Tuesday, December 1",
/// "martes 1 de diciembre", or without the weekday for dates in the past ("October 28", "28 de
/// octubre"). A fixed table rather than locale data keeps messages identical on every machine.
enum DateWords {
    private static let weekdays = [
        "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    ]
    private static let months = [
        "en": [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November",
            "December",
        ],
        "es": [
            "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
            "noviembre",
            "diciembre",
        ],
    ]

    static func format(_ date: LocalDate, language: String, weekday withWeekday: Bool = true) -> String {
        let weekday = weekdays[language]?[Weekday.allCases.firstIndex(of: date.weekday) ?? 0] ?? date.weekday.rawValue
        let month = months[language]?[date.month - 1] ?? String(date.month)
        if language == "es" { return withWeekday ? "\(weekday) \(date.day) de \(month)" : "\(date.day) de \(month)" }
        return withWeekday ? "\(weekday), \(month) \(date.day)" : "\(month) \(date.day)"
    }
}
