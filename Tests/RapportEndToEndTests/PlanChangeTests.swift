import Foundation
import RapportCore
import RapportEngine
import RapportTestSupport
import Testing

/// R40 through the real store: a re-import that changes the installments (dates or amounts)
/// gets one confirmation of the new schedule; one that only records what was paid gets none;
/// a welcome only for an agreement imported with `"welcome": true`.
@Suite("Changed plans and welcomes, through the store (R40)")
struct PlanChangeTests {
    static func line(installments: String, welcome: Bool = false) -> String {
        """
        {"id":"A-1","reference":"LN-0417",\(welcome ? "\"welcome\":true," : "")\
        "debtor":{"id":"D-1","name":"Sam Rivera","given_name":"Sam"},"timezone":"America/Chicago",\
        "contacts":{"email":"sam@example.org"},"installments":[\(installments)]}
        """
    }

    func kinds(_ sandbox: Sandbox) throws -> [String] {
        try sandbox.jobs().compactMap { try sandbox.job($0)["kind"] as? String }.sorted()
    }

    @Test(
        "R40: a re-import changing the schedule is confirmed once; one changing only what was paid is not",
        arguments: StoreKind.allCases)
    func planChanged(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let engine = try await sandbox.openEngine()
        let importer = Importer(store: engine.store)
        let now = Timestamp.parse("2026-12-07T15:00:00Z")!
        let original = #"{"id":"1","due":"2027-01-20","amount":"50.00"},{"id":"2","due":"2027-02-20","amount":"50.00"}"#
        _ = try await importer.importAgreements(Data(Self.line(installments: original).utf8), strict: true, at: now)
        _ = try await engine.tick(at: now)
        #expect(try kinds(sandbox).isEmpty, "a book moved in is not welcomed, and nothing is due yet")

        let paid = original.replacingOccurrences(of: #""amount":"50.00"}"#, with: #""amount":"50.00","paid":"10.00"}"#)
        let later = now.addingTimeInterval(3600)
        _ = try await importer.importAgreements(Data(Self.line(installments: paid).utf8), strict: true, at: later)
        _ = try await engine.tick(at: later)
        #expect(try kinds(sandbox).isEmpty, "recording a payment is not a new plan")

        let moved = #"{"id":"1","due":"2027-01-25","amount":"40.00"},{"id":"2","due":"2027-02-25","amount":"60.00"}"#
        let changed = later.addingTimeInterval(3600)
        _ = try await importer.importAgreements(Data(Self.line(installments: moved).utf8), strict: true, at: changed)
        _ = try await engine.tick(at: changed)
        #expect(try kinds(sandbox) == ["plan_changed"])
        let name = try #require(try sandbox.jobs().first)
        let body = try #require(try sandbox.job(name)["body"] as? String)
        #expect(body.contains("Monday, January 25, 2027: $40.00") && body.contains("$60.00"), "\(body)")
        _ = try await engine.tick(at: changed.addingTimeInterval(86_400 * 3))
        #expect(try kinds(sandbox) == ["plan_changed"], "once")
    }

    @Test(
        "R40: an agreement imported with welcome gets one welcome stating its schedule", arguments: StoreKind.allCases)
    func welcome(store: StoreKind) async throws {
        let sandbox = try Sandbox(store: store)
        let engine = try await sandbox.openEngine()
        let now = Timestamp.parse("2026-12-07T15:00:00Z")!
        let schedule = #"{"id":"1","due":"2027-01-20","amount":"50.00"}"#
        _ = try await Importer(store: engine.store).importAgreements(
            Data(Self.line(installments: schedule, welcome: true).utf8), strict: true, at: now)
        _ = try await engine.tick(at: now)
        _ = try await engine.tick(at: now.addingTimeInterval(86_400 * 3))
        #expect(try kinds(sandbox) == ["welcome"])
        let name = try #require(try sandbox.jobs().first)
        let body = try #require(try sandbox.job(name)["body"] as? String)
        #expect(body.contains("Hi Sam,") && body.contains("Wednesday, January 20, 2027: $50.00"), "\(body)")
    }
}
