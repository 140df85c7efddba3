import Foundation

/// An amount of money, parsed from the contract's decimal strings and never from a float.
public struct Money: Hashable, Comparable, Sendable, StringCoded {
    /// The exact value.
    public let value: Decimal

    /// Parses `"50"`, `"50.5"` or `"50.00"`: digits, an optional point and up to four decimals,
    /// at most twelve integer digits. Signs, exponents, `NaN` and separators are refused so that
    /// what an operator wrote is exactly what is stored.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, (1...12).contains(whole.count),
            whole.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...4).contains(fraction.count),
                fraction.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return nil }
        }
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        self.value = value
    }

    /// Wraps an already exact value.
    public init(value: Decimal) { self.value = value }

    /// Nothing.
    public static let zero = Money(value: 0)

    /// The amount with two decimals, as the contract writes money: `"50.00"`.
    public var description: String {
        var rounded = Decimal()
        var input = value
        NSDecimalRound(&rounded, &input, 2, .plain)
        let text = NSDecimalNumber(decimal: rounded).stringValue
        guard let dot = text.firstIndex(of: ".") else { return text + ".00" }
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        return decimals >= 2 ? text : text + String(repeating: "0", count: 2 - decimals)
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.value < rhs.value }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(value: lhs.value + rhs.value) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(value: lhs.value - rhs.value) }

    static let expectedForm = "an amount like \"50.00\""
}
