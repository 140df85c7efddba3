import Foundation

/// Decides, for one agreement, what to say next and the earliest moment the rules allow.
///
/// A pure function of (agreement state, the debtor's contact history, policy, now): no I/O and
/// no clock of its own. That is what lets the daemon, `explain` and `simulate` share it, and
/// what lets every rule be tested with hand-made cases.
///
/// A plan runs in stages, each in the folder named for it, so a rule is found by its name
/// (`Rule.home` gives each rule's file):
/// 1. `Slotting/Zones.swift` — where the debtor is (R2 R3); nothing time-bound without a zone.
/// 2. `Touchpoints/` — what the cadence wants to say (R12 R17 R24–R27).
/// 3. `Stops/Withdrawals.swift` — waiting jobs that no longer fit are taken back (R18).
/// 4. `Answers/` — an answer to what the debtor just sent goes first (R31 R32).
/// 5. `Candidates.swift` — for each touchpoint, oldest first: the stops (`Stops/`, R12–R17),
///    the channel (`Channels/`, R16 R23 R35 R7 R5), the earliest slot inside every candidate
///    zone's window that paces well (`Slotting/`, R1–R6 R8–R11), staleness (R29).
/// 6. `Conclusion.swift` — the earliest candidate wins; it is spooled when it is within the
///    lookahead (with R15 review, R28 grouping and R20's statement), else the agreement waits.
public struct Planner: Sendable {
    /// The policy as planned with: the one given, within the rulebook's bounds (R1 R8 R9).
    public let policy: Policy

    public init(policy: Policy) { self.policy = policy.withinRulebook }

    /// The decision for `state` at `now`, given `history`: every job of the debtor, across all
    /// of their agreements.
    /// - Parameters:
    ///   - siblings: the debtor's other agreements, which a reminder may cover (R28).
    ///   - load: the jobs each channel already carries per minute, for its rate limit (R11).
    ///   - explaining: whether to record the trace (for `explain`); the tick does not.
    public func plan(
        _ state: AgreementState, siblings: [AgreementState] = [], history: [ContactRecord],
        load: ChannelLoad = .unlimited, now: Date, explaining: Bool = false
    ) -> Decision {
        var trace = explaining ? Trace.recording : Trace.off
        guard let specialised = policy.specialised(cadence: state.agreement.cadence, adjustment: state.adjustment)
        else {
            return planAsConfigured(state, siblings: siblings, history: history, load: load, now: now, trace: trace)
        }
        var decision = Planner(policy: specialised).planAsConfigured(
            state, siblings: siblings, history: history, load: load, now: now, trace: trace)
        trace = decision.trace
        trace.prepend(
            "cadence \(state.agreement.cadence)" + (state.adjustment.map { "; adjusted: \($0.summary)" } ?? ""))
        decision.trace = trace
        return decision
    }

    private func planAsConfigured(
        _ state: AgreementState, siblings: [AgreementState], history: [ContactRecord], load: ChannelLoad, now: Date,
        trace: Trace
    ) -> Decision {
        var trace = trace
        let mine = history.filter { $0.agreements.contains(state.agreement.id) }
        guard let situation = situate(state, now: now, trace: &trace) else {
            return noZone(mine, trace: trace)
        }
        let context = PlanContext(
            state: state, siblings: siblings, history: history, mine: mine, situation: situation, load: load, now: now)
        let touchpoints = self.touchpoints(
            for: state, history: mine, debtorHistory: history, clock: context.primary, today: context.today)
        var decision = Decision(
            outcome: .idle(reason: state.isPaidOff ? "paid off" : "nothing to say until something changes"))
        decision.withdrawals = withdrawals(context, touchpoints: touchpoints, trace: &trace)

        let answered = answer(
            for: state, history: mine, debtorHistory: history, clocks: context.clocks, primary: context.primary,
            now: now)
        decision.dropped += answered.dropped
        if var contact = answered.contact {
            contact.needsReview = state.needsReview
            decision.outcome = .send(contact)
            decision.nextReview = now
            trace.note(
                nil,
                "\(contact.kind.rawValue): \(contact.reason) → \(contact.channel.rawValue)"
                    + " at \(context.primary.rfc3339(contact.notBefore))")
            decision.trace = trace
            return decision
        }

        let choice = choose(among: touchpoints, context, withdrawn: decision.withdrawals, trace: &trace)
        decision.dropped += choice.dropped
        conclude(choice, context, into: &decision, trace: &trace)
        decision.trace = trace
        return decision
    }
}

/// What every stage of one plan reads: the agreement, the debtor's history, where and when.
struct PlanContext {
    let state: AgreementState
    /// The debtor's agreements, this one included (R28).
    let siblings: [AgreementState]
    /// Every job of the debtor.
    let history: [ContactRecord]
    /// The jobs about this agreement.
    let mine: [ContactRecord]
    let situation: Situation
    let load: ChannelLoad
    let now: Date

    var clocks: [ZoneClock] { situation.clocks }
    /// The first candidate zone: the one local times are shown in.
    var primary: ZoneClock { situation.clocks[0] }
    var windows: ContactWindows { situation.windows }
    var today: LocalDate { situation.today }
}
