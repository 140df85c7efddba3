import Foundation
import Testing

@testable import RapportCore

@Suite("The stored form of an agreement")
struct CanonicalAgreementTests {
    /// What `JSONEncoder` wrote for the stored form before `JSONWriter` replaced it: 150
    /// generated agreements and three with every optional field, escapes and non-ASCII text.
    static func storedLines() throws -> [String] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/stored-agreements", withExtension: "jsonl"))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("Every agreement JSONEncoder stored reads back and is written again byte for byte")
    func sameBytesAsJSONEncoder() async throws {
        let lines = try Self.storedLines()
        #expect(lines.count == 153)
        for line in lines {
            let agreement = try AgreementImport.parse(line: line)
            #expect(agreement.canonicalJSON == line)
        }
    }

    @Test("A string is escaped as JSONEncoder escapes it, for every Unicode scalar")
    func escapingMatchesJSONEncoder() async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var scalars = Array(0...0x3000).compactMap(Unicode.Scalar.init)
        scalars += [0xFEFF, 0xFFFD, 0x1F600, 0x10FFFF].compactMap(Unicode.Scalar.init)
        for chunk in stride(from: 0, to: scalars.count, by: 64) {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[chunk..<min(chunk + 64, scalars.count)])
            var json = JSONWriter()
            json.string(text)
            #expect(json.text == String(decoding: try encoder.encode(text), as: UTF8.self))
        }
    }

    @Test("A random agreement, written and read back, is the same agreement")
    func roundTrip() async throws {
        var random = SplitMix64(seed: 15)
        for index in 0..<500 {
            let agreement = Self.randomAgreement(index, &random)
            #expect(try AgreementImport.parse(line: agreement.canonicalJSON) == agreement)
        }
    }

    private static func randomAgreement(_ index: Int, _ random: inout SplitMix64) -> Agreement {
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func maybe<T>(_ value: T) -> T? { random.next() % 2 == 0 ? value : nil }
        let names = ["Sam", "Zoë \"Z\" Ödön", "Back\\slash", "Tab\there", "日本語 名前", "Line\nbreak"]
        var contacts: [Channel: String] = [.email: "p\(index)@example.org"]
        if random.next() % 2 == 0 { contacts[.sms] = "+1212555\(1000 + index % 9000)" }
        if random.next() % 3 == 0 { contacts[.voice] = "+4420794600\(10 + index % 90)" }
        if random.next() % 3 == 0 { contacts[.letter] = "\(index) High Street\nLeeds" }
        let zones = ["America/Chicago", "Europe/Madrid", "UTC", "Asia/Tokyo"]
        let single = random.next() % 3
        let installments = (0..<Int(random.next() % 14)).map { number in
            let amount = Money(hundredths: 100 + Int(random.next() % 100_000))
            return Installment(
                id: Identifier("i\(number)")!, due: LocalDate("2026-12-01")!.adding(days: 30 * number),
                amount: amount, paid: pick([.zero, amount, Money(hundredths: 50)]))
        }
        return Agreement(
            id: Identifier("A-\(index)")!,
            debtor: Debtor(
                id: Identifier("D-\(index / 2)")!, name: pick(names), preferredName: maybe(pick(names)),
                locale: maybe(pick(["en", "es", "es-MX"]))),
            timezone: single == 0 ? pick(zones) : nil, timezones: single == 1 ? [pick(zones), pick(zones)] : nil,
            region: maybe(pick(["US-TX", "US-NY"])), jurisdiction: maybe(pick(["US-MA", "US-WA"])),
            contacts: contacts, consent: Consent(sms: random.next() % 2 == 0),
            preferredChannel: maybe(pick(Channel.allCases)),
            inconvenient: maybe(
                Inconvenience(
                    before: maybe(LocalTime(minutes: 540)!), after: maybe(LocalTime(minutes: 1140)!),
                    days: random.next() % 2 == 0 ? [pick(Weekday.allCases)] : [],
                    channels: random.next() % 2 == 0 ? [pick(Channel.allCases)] : [])),
            cadence: pick(["standard", "gentle"]), currency: pick(["USD", "EUR"]), installments: installments)
    }
}
