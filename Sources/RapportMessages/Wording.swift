import RapportCore

/// Amounts written plainly (R20): `$50.00`, or `50.00 EUR` for currencies without a
/// familiar symbol.
enum MoneyWords {
    static func format(_ money: Money, currency: String) -> String {
        switch currency {
        case "USD": "$\(money)"
        case "EUR": "€\(money)"
        case "GBP": "£\(money)"
        default: "\(money) \(currency)"
        }
    }
}

/// Dates written the way people say them, in the shipped languages: "Tuesday, December 1",
/// "martes 1 de diciembre". A fixed table rather than locale data keeps messages identical on
/// every machine.
enum DateWords {
    private static let weekdays = [
        "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    ]
    private static let months = [
        "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
    ]

    static func format(_ date: LocalDate, language: String) -> String {
        let weekday = weekdays[language]?[Weekday.allCases.firstIndex(of: date.weekday) ?? 0] ?? date.weekday.rawValue
        let month = months[language]?[date.month - 1] ?? String(date.month)
        return language == "es" ? "\(weekday) \(date.day) de \(month)" : "\(weekday), \(month) \(date.day)"
    }
}
