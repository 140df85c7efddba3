import Foundation
import RapportCore
import RapportEngine
import RapportStorage
import Testing

/// The re-check after a reply, an event or an adjustment: it plans the whole debtor
/// (`planDebtor`), so it withdraws only what no longer fits, for a reason that is true.
@Suite("Re-check after new input")
struct RecheckTests {
    /// One debtor, two agreements due a day apart, reachable by SMS: one grouped reminder.
    static let agreements = [("A-1", "2026-12-11", "80.00"), ("A-2", "2026-12-12", "50.00")].map { id, due, amount in
        #"{"id":"\#(id)","debtor":{"id":"D-1","name":"Sam Rivera","preferred_name":"Sam","locale":"en"},"#
            + #""timezone":"America/Chicago","contacts":{"sms":"+12145550100"},"consent":{"sms":true},"#
            + #""installments":[{"id":"1","due":"\#(due)","amount":"\#(amount)"}]}"#
    }

    @Test("R28 R18: a harmless reply does not withdraw a grouped reminder, nor is it planned again")
    func harmlessReplyKeepsGroupedReminder() async throws {
        let sandbox = try Sandbox()
        let engine = try await sandbox.openEngine()
        let now = Timestamp.parse("2026-12-08T14:00:00Z")!
        let imported = try await Importer(store: engine.store).importAgreements(
            Data(Self.agreements.joined(separator: "\n").utf8), strict: true, at: now)
        try #require(imported.rejected.isEmpty)
        let first = try await engine.tick(at: now)
        let job = try #require(try await engine.store.jobs(in: .spooled).first)
        try #require(first.spooled.count == 1)
        let sent = try Job.decode(job.data)
        try #require(sent.agreements.count == 2, "the reminder speaks for both agreements")
        // R37: each agreement's amount and date, as they are due on different days.
        #expect(
            sent.body.contains("$80.00 (A-1) due December 11") && sent.body.contains("$50.00 (A-2) due December 12"))

        let reply = InboundMessage(
            channel: .sms, from: "+12145550100", receivedAt: now.addingTimeInterval(300), text: "Thanks, got it")
        guard case .applied(_, let withdrawn) = try await engine.receive(reply, at: now.addingTimeInterval(300)) else {
            Issue.record("the reply was not applied")
            return
        }
        #expect(withdrawn == 0)
        #expect(try await engine.store.job(job.id)?.state == .spooled)
        var recorded: [DecisionRecord] = []
        for id in ["A-1", "A-2"] { recorded += try await engine.store.decisions(of: Identifier(id)!) }
        #expect(!recorded.contains { $0.outcome == .withdrawn }, "no withdrawal is recorded: none happened")
        let next = try await engine.tick(at: now.addingTimeInterval(600))
        // R40: the reply is acknowledged ("a person will answer"); the reminder is not planned again.
        #expect(next.spooled.count == 1)
        let jobs = try sandbox.jobs().map { try sandbox.job($0) }
        #expect(jobs.compactMap { $0["kind"] as? String }.sorted() == ["pre_due", "reply_ack"])
    }
}
