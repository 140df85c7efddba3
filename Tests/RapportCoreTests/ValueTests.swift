import Foundation
import Testing
@testable import RapportCore

/// The value types at the boundary: ids, money, dates, times, instants.
@Suite("Values")
struct ValueTests {
    @Test(
        "Identifiers accept the contract's alphabet only",
        arguments: [
            ("A-1001", true), ("a.b:c_d-9", true), (String(repeating: "x", count: 64), true),
            ("", false), (String(repeating: "x", count: 65), false), ("../etc", false), ("a/b", false), ("..", false),
            (".", false), ("a b", false), ("a;rm", false), ("a\u{0}b", false), ("$(x)", false), ("é", false),
        ])
    func identifiers(text: String, valid: Bool) {
        #expect((Identifier(text) != nil) == valid)
    }

    @Test("Money is parsed from decimal strings exactly; floats, signs, exponents and NaN are refused")
    func money() {
        #expect(Money("50.00")?.description == "50.00")
        #expect(Money("0.1").map { $0 + Money("0.2")! }?.description == "0.30")
        #expect(Money("7")?.description == "7.00")
        for bad in [
            "-5.00", "+5", "1e3", "NaN", "inf", "5.", ".5", "5,00", "1.23456", "", " 5", "0x10", "1234567890123",
        ] {
            #expect(Money(bad) == nil, "\(bad) should be refused")
        }
    }

    @Test("Money is exact: random amounts, their sums and differences print as Foundation.Decimal rounds them")
    func moneyAgainstDecimal() async throws {
        func oracle(_ value: Decimal) -> String {
            var rounded = Decimal()
            var input = value
            NSDecimalRound(&rounded, &input, 2, .plain)
            let text = NSDecimalNumber(decimal: rounded).stringValue
            guard let dot = text.firstIndex(of: ".") else { return text + ".00" }
            return text.distance(from: dot, to: text.endIndex) == 2 ? text + "0" : text
        }
        var random = SplitMix64(seed: 36)
        func amount() -> String {
            let whole = String(random.next() % 1_000_000_000_000)
            let decimals = Int(random.next() % 5)
            guard decimals > 0 else { return whole }
            return whole + "." + String((0..<decimals).map { _ in Character(String(random.next() % 10)) })
        }
        for _ in 0..<2_000 {
            let (left, right) = (amount(), amount())
            let (a, b) = (try #require(Money(left)), try #require(Money(right)))
            let (x, y) = (try #require(Decimal(string: left)), try #require(Decimal(string: right)))
            #expect(a.description == oracle(x), "\(left)")
            #expect((a + b).description == oracle(x + y), "\(left) + \(right)")
            #expect((a - b).description == oracle(x - y), "\(left) - \(right)")
            #expect((a < b) == (x < y))
        }
        #expect(Money("0.005")?.description == "0.01")
        #expect((Money("0")! - Money("0.005")!).description == "-0.01")
        #expect(Money("999999999999.9999")?.description == "1000000000000.00")
        // Past 64 bits of hundredths (a sum, never one amount), printed the long way.
        let huge = Int128(UInt64.max) * 100 + 12_345
        #expect(Money(tenThousandths: huge).description == "184467440737095517.38")
        #expect(Money(tenThousandths: -huge).description == "-184467440737095517.38")
    }

    @Test("Local dates reject impossible days and count days exactly")
    func localDates() {
        #expect(LocalDate("2026-02-30") == nil)
        #expect(LocalDate("2026-13-01") == nil)
        #expect(LocalDate("2028-02-29") != nil)
        #expect(LocalDate("2026-2-3") == nil)
        #expect(LocalDate("2026-12-31")?.adding(days: 1).description == "2027-01-01")
        #expect(LocalDate("2026-11-29")?.weekday == .sun)
        #expect(LocalDate("1970-01-01")?.daysSinceEpoch == 0)
        for day in stride(from: -800_000, to: 800_000, by: 997) {
            #expect(LocalDate(daysSinceEpoch: day).daysSinceEpoch == day)
        }
    }

    @Test("Monthly dates keep their day, or the month's last when it is shorter")
    func addingMonths() {
        let start = LocalDate("2026-01-31")!
        #expect(start.adding(months: 1) == LocalDate("2026-02-28"))
        #expect(start.adding(months: 2) == LocalDate("2026-03-31"))
        #expect(start.adding(months: 13) == LocalDate("2027-02-28"))
        #expect(LocalDate("2028-03-29")!.adding(months: -1) == LocalDate("2028-02-29"))
        #expect(LocalDate("2026-01-15")!.adding(months: -13) == LocalDate("2024-12-15"))
    }

    @Test("Local times parse HH:MM only")
    func localTimes() {
        #expect(LocalTime("09:30")?.minutes == 570)
        #expect(LocalTime("24:00")?.minutes == 1440)
        #expect(LocalTime("24:30") == nil)
        #expect(LocalTime("9:30") == nil)
        #expect(LocalTime("09:60") == nil)
    }

    @Test("Instants are RFC 3339 in UTC on the wire")
    func timestamps() {
        let instant = Timestamp.parse("2026-12-01T09:00:00-06:00")
        #expect(instant.map(Timestamp.rfc3339) == "2026-12-01T15:00:00Z")
        #expect(instant.map(Timestamp.compact) == "20261201T150000Z")
        #expect(Timestamp.parse("2026-12-01T15:00:00.250Z")?.timeIntervalSince1970 == 1_796_137_200.25)
        #expect(Timestamp.parse("2026-12-01 15:00:00Z") == nil)
        #expect(Timestamp.parse("2026-02-30T15:00:00Z") == nil)
        #expect(Timestamp.parse("2026-12-01T15:00:00") == nil)
    }

    @Test("Job file names sort by not_before and carry only validated ids")
    func jobFileNames() {
        let name = Job.fileName(
            notBefore: Timestamp.parse("2026-11-28T16:20:00Z")!, channel: .sms,
            id: JobID(touchpoint: TouchpointKey(rawValue: "x"), attempt: 0))
        #expect(name.hasPrefix("20261128T162000Z_sms_j-"))
        #expect(name.hasSuffix(".json"))
        #expect(JobID.isValid("j-" + StableHash.hex("x")))
        #expect(!JobID.isValid("j-../../etc/passwd"))
        #expect(StableHash.hex("pre_due:A-1:1#0") == StableHash.hex("pre_due:A-1:1#0"))
        #expect(StableHash.hex("pre_due:A-1:1#0") != StableHash.hex("pre_due:A-1:1#1"))
    }
}
