/// An amount of money, parsed from the contract's decimal strings and never from a float.
///
/// The value is exact decimal fixed point: a whole number of ten-thousandths of the currency
/// unit. The contract's amounts have at most four decimals, so every one of them is held
/// exactly, and adding or comparing two is integer arithmetic. `Foundation.Decimal` held it
/// before; its string parsing and printing were a quarter of an import and its software
/// arithmetic a share of every plan, for no gain in exactness (issue 15). 128 bits, because an
/// agreement may have 1,000 installments of up to twelve integer digits and a debtor several
/// agreements: no sum the planner makes can overflow.
public struct Money: Hashable, Comparable, Sendable, StringCoded {
    /// The amount in ten-thousandths: `"50.00"` is 500,000.
    public let tenThousandths: Int128

    /// How many ten-thousandths make one unit of the currency.
    private static let scale: Int128 = 10_000

    /// Parses `"50"`, `"50.5"` or `"50.00"`: digits, an optional point and up to four decimals,
    /// at most twelve integer digits. Signs, exponents, `NaN` and separators are refused so that
    /// what an operator wrote is exactly what is stored.
    public init?(_ text: String) {
        // 64-bit while reading: twelve integer and four decimal digits cannot overflow it.
        var whole: Int64 = 0
        var wholeDigits = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var afterPoint = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "."), !afterPoint {
                afterPoint = true
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            if afterPoint {
                fraction = fraction * 10 + digit
                fractionDigits += 1
            } else {
                whole = whole * 10 + digit
                wholeDigits += 1
            }
            guard wholeDigits <= 12, fractionDigits <= 4 else { return nil }
        }
        guard wholeDigits >= 1, !afterPoint || fractionDigits >= 1 else { return nil }
        for _ in fractionDigits..<4 { fraction *= 10 }
        self.tenThousandths = Int128(whole) * Self.scale + Int128(fraction)
    }

    /// Wraps an already exact count of ten-thousandths.
    public init(tenThousandths: Int128) { self.tenThousandths = tenThousandths }

    /// `hundredths` of the currency unit: `Money(hundredths: 2_500)` is 25.00.
    public init(hundredths: Int) { self.tenThousandths = Int128(hundredths) * 100 }

    /// Nothing.
    public static let zero = Money(tenThousandths: 0)

    /// The amount with two decimals, as the contract writes money: `"50.00"`; a third and
    /// fourth decimal round half away from zero.
    public var description: String {
        let hundredths = (tenThousandths.magnitude + 50) / 100
        let negative = tenThousandths < 0 && hundredths > 0
        // Every real amount fits 64 bits, and its text a small string: written back to front
        // into a buffer on the stack, it costs no allocation (an import writes one per
        // installment, twice).
        guard var rest = UInt64(exactly: hundredths) else {
            let digits = String(hundredths)
            return (negative ? "-" : "") + digits.dropLast(2) + "." + digits.suffix(2)
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var start = buffer.count
            func prepend(_ byte: UInt8) {
                start -= 1
                buffer[start] = byte
            }
            for place in 0..<3 {
                if place == 2 { prepend(UInt8(ascii: ".")) }
                prepend(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            }
            while rest > 0 {
                prepend(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            }
            if negative { prepend(UInt8(ascii: "-")) }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start...]), as: UTF8.self)
        }
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.tenThousandths < rhs.tenThousandths }
    public static func + (lhs: Money, rhs: Money) -> Money {
        Money(tenThousandths: lhs.tenThousandths + rhs.tenThousandths)
    }
    public static func - (lhs: Money, rhs: Money) -> Money {
        Money(tenThousandths: lhs.tenThousandths - rhs.tenThousandths)
    }

    static let expectedForm = "an amount like \"50.00\""
}
