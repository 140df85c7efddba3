import Foundation
import RapportCore
import RapportStorage

/// Everything `rapportctl explain` shows about one agreement: the stored facts, what the
/// planner decides right now and why, the jobs and the recorded decisions.
public struct Explanation: Sendable {
    public var stored: StoredAgreement
    public var state: AgreementState
    /// The planner's decision at the moment of asking, with its full trace.
    public var decision: Decision
    public var events: [Event]
    public var jobs: [StoredJob]
    public var decisions: [DecisionRecord]
}

extension Engine {
    /// Explains agreement `id` as of `now`, or nil when it is not known. Read-only: the
    /// decision is computed, not applied.
    public func explain(_ id: Identifier, at now: Date) async throws(EngineError) -> Explanation? {
        do {
            guard let stored = try await store.agreement(id) else { return nil }
            let portfolio = try await store.portfolio(of: stored.agreement.debtor.id)
            guard let state = portfolio.states(at: now).first(where: { $0.agreement.id == id }),
                let decision = planner.planDebtor(portfolio, due: [id], now: now, explaining: true)
                    .firstDecision(about: id)
            else { return nil }
            return Explanation(
                stored: stored, state: state, decision: decision,
                events: portfolio.events.filter { $0.agreement == id }, jobs: try await store.jobs(of: id),
                decisions: try await store.decisions(of: id))
        } catch {
            throw .store(error)
        }
    }
}
