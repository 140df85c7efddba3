import Foundation
import RapportCore
import Testing

/// `planDebtor`: one debtor, one plan.
@Suite("Planning one debtor")
struct PlanDebtorTests {
    /// A debtor with two agreements a day apart.
    static let agreements = [
        Fixture.agreement("A-1", debtor: "D-1", installments: [("2026-12-11", "80.00")]),
        Fixture.agreement("A-2", debtor: "D-1", installments: [("2026-12-12", "50.00")]),
    ]

    @Test("R28 R18: planning one of a debtor's agreements keeps the grouped reminder that speaks for both")
    func oneAgreementKeepsGroupedReminder() async throws {
        let now = Fixture.instant("2026-12-08T14:00:00Z")
        let first = Fixture.planner.planDebtor(
            Portfolio(agreements: Self.agreements, events: [], history: []), now: now)
        let reminder = try #require(first.sends.first)
        try #require(reminder.agreements.count == 2)
        var history = first.history
        for index in history.indices { history[index].state = .spooled }
        let again = Fixture.planner.planDebtor(
            Portfolio(agreements: Self.agreements, events: [], history: history), due: [reminder.agreement],
            now: now.addingTimeInterval(300))
        #expect(again.withdrawals.isEmpty, "\(again.withdrawals.map(\.withdrawal.reason))")
        #expect(again.sends.isEmpty)
    }

    @Test("R18: a payment of one agreement withdraws the grouped reminder, saying what changed")
    func paymentWithdrawsGroupedReminder() async throws {
        let now = Fixture.instant("2026-12-08T14:00:00Z")
        let first = Fixture.planner.planDebtor(
            Portfolio(agreements: Self.agreements, events: [], history: []), now: now)
        let reminder = try #require(first.sends.first)
        var history = first.history
        for index in history.indices { history[index].state = .spooled }
        let paid = Fixture.event(.payment, "A-2", at: "2026-12-08T14:03:20Z", amount: "50.00")
        let again = Fixture.planner.planDebtor(
            Portfolio(agreements: Self.agreements, events: [paid], history: history), due: [Fixture.id("A-2")],
            now: now.addingTimeInterval(300))
        let withdrawal = try #require(again.withdrawals.first)
        #expect(withdrawal.job.jobID == reminder.jobID)
        #expect(withdrawal.withdrawal.reason.contains("R18"))
    }
}
