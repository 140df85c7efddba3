import Foundation
import Testing
@testable import RapportCore

/// The contract's agreement and event lines, and every way they can be wrong.
@Suite("Import validation")
struct ImportTests {
    static let valid =
        #"{"id":"A-1001","debtor":{"id":"D-77","name":"Samuel Rivera","preferred_name":"Sam","locale":"es"},"#
        + #""timezone":"America/Chicago","region":"US-TX","jurisdiction":"US-MA","contacts":{"sms":"+12145550100","#
        + #""voice":"+12145550100","email":"sam@example.org"},"consent":{"sms":true},"preferred_channel":"sms","#
        + #""inconvenient":{"before":"10:00","after":"19:00","days":["sun"],"channels":["voice"]},"#
        + #""cadence":"standard","currency":"USD","installments":[{"id":"1","due":"2026-12-01","amount":"50.00","#
        + #""paid":"0.00"}]}"#

    @Test("The contract's example line imports with every field")
    func contractExample() async throws {
        let agreement = try AgreementImport.parse(line: Self.valid)
        #expect(agreement.id.rawValue == "A-1001")
        #expect(agreement.debtor.id.rawValue == "D-77")
        #expect(agreement.debtor.greetingName == "Sam")
        #expect(agreement.candidateZones == ["America/Chicago"])
        #expect(agreement.contacts[.voice] == "+12145550100")
        #expect(agreement.inconvenient?.days == [.sun])
        #expect(agreement.installments.first?.amount == Money("50.00"))
    }

    @Test("R39 R40 R20: reference, welcome and given_name are read, kept through the store's text, and checked")
    func referenceWelcomeGivenName() async throws {
        let line = Self.valid.replacingOccurrences(of: #""preferred_name":"Sam","#, with: #""given_name":"Samuel","#)
            .replacingOccurrences(
                of: #"{"id":"A-1001","#, with: #"{"id":"A-1001","reference":"LN 2026/0417","welcome":true,"#)
        let agreement = try AgreementImport.parse(line: line)
        #expect(agreement.reference == "LN 2026/0417" && agreement.welcome)
        #expect(agreement.referenceForMessages == "…0417", "R39: a long reference by its last 4 characters")
        #expect(agreement.debtor.greetingName == "Samuel")
        #expect(try AgreementImport.parse(line: agreement.canonicalJSON) == agreement)
        #expect(!(try AgreementImport.parse(line: Self.valid)).welcome)
        let long = String(repeating: "x", count: 65)
        for bad in [#""reference":"","#, #""reference":"a\u0009b","#, #""reference":""# + long + #"","#] {
            let line = Self.valid.replacingOccurrences(of: #"{"id":"A-1001","#, with: #"{"id":"A-1001","# + bad)
            #expect(throws: ImportError.self) { try AgreementImport.parse(line: line) }
        }
    }

    @Test("A minimal line: debtor id defaults to the agreement id, installments may be empty")
    func minimal() async throws {
        let agreement = try AgreementImport.parse(
            line: #"{"id":"A-2","debtor":{"name":"Ana"},"contacts":{"email":"a@example.org"},"installments":[]}"#)
        #expect(agreement.debtor.id.rawValue == "A-2")
        #expect(agreement.candidateZones.isEmpty)
    }

    @Test(
        "Bad lines are refused with the field at fault",
        arguments: [
            (#"{"id":"A-1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"}"#, "not valid JSON"),
            (#"[1,2]"#, "must be a JSON object"),
            (#"{"debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"installments":[]}"#, "id is missing"),
            (#"{"id":"A/1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"installments":[]}"#, "id must be"),
            (
                #"{"id":"A-1","debtor":{"name":""},"contacts":{"email":"a@b.org"},"installments":[]}"#,
                "debtor.name is empty"
            ),
            (#"{"id":"A-1","debtor":{"name":"x"},"contacts":{},"installments":[]}"#, "contacts needs at least one"),
            (#"{"id":"A-1","debtor":{"name":"x"},"contacts":{"fax":"1"},"installments":[]}"#, "contacts.fax"),
            (#"{"id":"A-1","debtor":{"name":"x"},"contacts":{"sms":"2145550100"},"installments":[]}"#, "E.164"),
            (
                #"{"id":"A-1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"timezone":"Mars/Olympus","#
                    + #""installments":[]}"#,
                "not a known IANA time zone"
            ),
            (
                #"{"id":"A-1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"timezone":"America/Chicago","#
                    + #""timezones":["UTC"],"installments":[]}"#,
                "either timezone or timezones"
            ),
            (
                #"{"id":"A-1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"installments":[{"id":"1","#
                    + #""due":"2026-02-30","amount":"5.00"}]}"#,
                "installments[0].due"
            ),
            (
                #"{"id":"A-1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"installments":[{"id":"1","#
                    + #""due":"2026-02-10","amount":50.0}]}"#,
                "decimal string"
            ),
            (
                #"{"id":"A-1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"installments":[{"id":"1","#
                    + #""due":"2026-02-10","amount":"-5"}]}"#,
                "not an amount"
            ),
            (
                #"{"id":"A-1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"installments":[{"id":"1","#
                    + #""due":"2026-02-10","amount":"1e3"}]}"#,
                "not an amount"
            ),
            (
                #"{"id":"A-1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"installments":[{"id":"1","#
                    + #""due":"2026-02-10","amount":"5"},{"id":"1","due":"2026-03-10","amount":"5"}]}"#,
                "appears twice"
            ),
            (
                #"{"id":"A-1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"},"consent":{"sms":"yes"},"#
                    + #""installments":[]}"#,
                "consent.sms must be true or false"
            ),
            (#"{"id":"A-1","debtor":{"name":"x"},"contacts":{"email":"a@b.org"}}"#, "installments is missing"),
        ])
    func badLines(line: String, expected: String) {
        #expect {
            _ = try AgreementImport.parse(line: line)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test(
        "E-mail addresses: one @ with a dotted domain, no white space or angle brackets, at most 254 characters",
        arguments: [
            ("a@b.org", true), ("ü@bücher.de", true), ("first.last+tag@mail.example.org", true),
            ("@b.org", false), ("a@borg", false), ("a.b@org", false), ("a@@b.org", false), ("a@b@c.org", false),
            ("a b@c.org", false), ("a\t@b.org", false), ("a@b.org\n", false), ("<a@b.org>", false),
            ("ü @bücher.de", false), ("ü@bücher\u{2003}.de", false), ("ü@bücher", false),
            (String(repeating: "a", count: 246) + "@b.org", true),
            (String(repeating: "a", count: 249) + "@b.org", false),
        ])
    func emailAddresses(address: String, valid: Bool) async throws {
        var json = JSONWriter()
        json.open(.object)
        json.field("email", address)
        json.close(.object)
        let line = #"{"id":"A-1","debtor":{"name":"x"},"contacts":"# + json.text + #","installments":[]}"#
        let accepted = (try? AgreementImport.parse(line: line)) != nil
        #expect(accepted == valid, "\(address)")
    }

    @Test("Events carry what their type needs")
    func events() async throws {
        let payment = try EventImport.parse(
            line:
                #"{"agreement":"A-1001","type":"payment","at":"2026-12-01T15:00:00Z","amount":"50.00","#
                + #""installment":"1"}"#
        )
        #expect(payment.amount == Money("50.00"))
        let same = try EventImport.parse(
            line:
                #"{"installment":"1","amount":"50.00","at":"2026-12-01T09:00:00-06:00","type":"payment","#
                + #""agreement":"A-1001"}"#
        )
        #expect(payment.identity == same.identity)
        for (line, expected) in [
            (#"{"agreement":"A-1","type":"payment","at":"2026-12-01T15:00:00Z"}"#, "needs amount"),
            (#"{"agreement":"A-1","type":"promise","at":"2026-12-01T15:00:00Z"}"#, "needs date"),
            (#"{"agreement":"A-1","type":"opt_out","at":"2026-12-01T15:00:00Z"}"#, "needs channel"),
            (#"{"agreement":"A-1","type":"teleport","at":"2026-12-01T15:00:00Z"}"#, "is not one of"),
            (#"{"agreement":"A-1","type":"cease","at":"yesterday"}"#, "RFC 3339"),
        ] {
            #expect(throws: ImportError.self) { _ = try EventImport.parse(line: line) }
            do { _ = try EventImport.parse(line: line) } catch {
                #expect(error.message.contains(expected), "\(error.message)")
            }
        }
    }
}
