import Foundation

/// One debtor, planned at one instant until nothing more is to be sent: the one way every
/// caller — the tick, the forecast, `simulate`, `explain`, the re-check after `record`,
/// `adjust` and `inbound`, and the tests — turns a portfolio into decisions.
///
/// Each due agreement is planned with the debtor's other agreements beside it (a grouped
/// reminder states all of their figures, R28) and with the history as every earlier decision
/// of the same plan left it. After a send the agreement is planned again, because a second
/// message may be due at once (a thank-you after a reminder) and because the answer after the
/// last send says when to look next (usually a wait for pacing).
extension Planner {
    /// The most plans of one agreement at one instant: a send, perhaps a second, then the wait.
    public static let plansPerAgreement = 4

    /// Every decision about the agreements of `portfolio` that `due` names, at `now`.
    ///
    /// It is pure: the plan's `history` is the portfolio's as if every send were recorded
    /// (`planned`) and every withdrawal taken back, and `load` counts the sends. Acting on it —
    /// moving withdrawn files, recording, writing — is the caller's; should a delivery tool
    /// have claimed a job just before its withdrawal, the caller records the real state, and
    /// the next plan sees it.
    /// - Parameters:
    ///   - due: the agreements to plan, planned in the portfolio's order; nil plans them all.
    ///   - load: the jobs each channel already carries per minute, for its rate limit (R11).
    ///   - explaining: whether each decision records its trace (for `explain`).
    public func planDebtor(
        _ portfolio: Portfolio, due: Set<Identifier>? = nil, load: inout ChannelLoad, now: Date,
        explaining: Bool = false
    ) -> DebtorPlan {
        let states = portfolio.states(at: now)
        var plan = DebtorPlan(history: portfolio.history)
        for state in states where due?.contains(state.agreement.id) ?? true {
            for _ in 0..<Self.plansPerAgreement {
                var decision = self.plan(
                    state, siblings: states, history: plan.history, load: load, now: now, explaining: explaining)
                plan.take(decision.withdrawals)
                guard case .send(let contact) = decision.outcome else {
                    plan.steps.append(DebtorPlan.Step(agreement: state.agreement.id, decision: decision))
                    break
                }
                load.add(contact.channel, minute: ChannelLoad.minute(of: contact.notBefore))
                plan.history.append(ContactRecord(planned: contact))
                // Another plan at once: the next tick need not look again for nothing.
                decision.nextReview = now.addingTimeInterval(1)
                plan.steps.append(DebtorPlan.Step(agreement: state.agreement.id, decision: decision))
            }
        }
        return plan
    }

    /// `planDebtor` without a shared channel load: what every caller without per-minute rate
    /// limits (R11) uses, since then debtors share nothing.
    public func planDebtor(
        _ portfolio: Portfolio, due: Set<Identifier>? = nil, now: Date, explaining: Bool = false
    ) -> DebtorPlan {
        var load = ChannelLoad.unlimited
        return planDebtor(portfolio, due: due, load: &load, now: now, explaining: explaining)
    }
}

/// What planning one debtor decided: each decision in order, and what they add up to.
public struct DebtorPlan: Sendable {
    /// One decision about one agreement.
    public struct Step: Sendable {
        public var agreement: Identifier
        public var decision: Decision
    }

    /// Every decision, in the order made: an agreement's last one says when to plan it again.
    public var steps: [Step] = []
    /// The debtor's history afterwards: each send recorded as `planned`, each withdrawn job as
    /// `withdrawn`.
    public var history: [ContactRecord]
    /// Every job the plan withdrew (R18), those it planned itself included.
    public private(set) var withdrawn: Set<JobID> = []

    init(history: [ContactRecord]) { self.history = history }

    /// The contacts to spool or hold for review: every send that no later step withdrew.
    public var sends: [PlannedContact] {
        steps.compactMap {
            guard case .send(let contact) = $0.decision.outcome, !withdrawn.contains(contact.jobID) else { return nil }
            return contact
        }
    }

    /// Each withdrawal with the job it takes back (its file name is the job's; its state is
    /// now `withdrawn`). A job the plan itself planned and then withdrew is included.
    public var withdrawals: [(withdrawal: Withdrawal, job: ContactRecord)] { steps.flatMap(withdrawals(of:)) }

    /// The withdrawals of one step, each with the job it takes back.
    public func withdrawals(of step: Step) -> [(withdrawal: Withdrawal, job: ContactRecord)] {
        step.decision.withdrawals.compactMap { withdrawal in
            history.first { $0.jobID == withdrawal.jobID }.map { (withdrawal, $0) }
        }
    }

    /// When each planned agreement is next due: its last decision's `nextReview` (nil when
    /// only new input can change anything).
    public var nextAction: [Identifier: Date?] {
        var next: [Identifier: Date?] = [:]
        for step in steps { next[step.agreement] = .some(step.decision.nextReview) }
        return next
    }

    /// The first decision about `agreement`: what `explain` shows.
    public func firstDecision(about agreement: Identifier) -> Decision? {
        steps.first { $0.agreement == agreement }?.decision
    }

    mutating func take(_ withdrawals: [Withdrawal]) {
        for withdrawal in withdrawals {
            withdrawn.insert(withdrawal.jobID)
            if let index = history.firstIndex(where: { $0.jobID == withdrawal.jobID }) {
                history[index].state = .withdrawn
            }
        }
    }
}
