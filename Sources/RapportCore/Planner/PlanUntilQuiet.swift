import Foundation

/// One agreement, planned at one instant until nothing more is to be sent: what the tick, the
/// simulation and the tests all do with the planner, in one place.
///
/// After a send the agreement is planned again with the new job in its history, because a
/// second message may be due at once (a thank-you after a reminder) and because the answer
/// after the last send says when to look next (usually a wait for pacing) — so nothing is
/// re-planned on the next tick for nothing.
extension Planner {
    /// The most plans of one agreement at one instant: a send, perhaps a second, then the wait.
    public static let plansPerAgreement = 4

    /// Every decision for `state` at `now`, in order, each with its withdrawals; the last one
    /// sends nothing unless `plansPerAgreement` ran out, and then its `nextReview` is a second
    /// later, so the next tick looks again.
    ///
    /// It is pure: `history` (the debtor's) and `load` are updated as if every send were
    /// recorded and every withdrawal taken back. Acting on the decisions — moving withdrawn
    /// files, recording, writing — is the caller's; should a delivery tool have claimed a job
    /// just before its withdrawal, the caller records the real state, and the next plan sees it.
    public func planUntilQuiet(
        _ state: AgreementState, siblings: [AgreementState], history: inout [ContactRecord], load: inout ChannelLoad,
        now: Date
    ) -> [Decision] {
        var decisions: [Decision] = []
        for _ in 0..<Self.plansPerAgreement {
            var decision = plan(state, siblings: siblings, history: history, load: load, now: now)
            for withdrawal in decision.withdrawals {
                if let index = history.firstIndex(where: { $0.jobID == withdrawal.jobID }) {
                    history[index].state = .withdrawn
                }
            }
            guard case .send(let contact) = decision.outcome else {
                decisions.append(decision)
                break
            }
            load.add(contact.channel, minute: ChannelLoad.minute(of: contact.notBefore))
            history.append(ContactRecord(planned: contact))
            decision.nextReview = now.addingTimeInterval(1)
            decisions.append(decision)
        }
        return decisions
    }
}
