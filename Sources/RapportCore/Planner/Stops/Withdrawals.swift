import Foundation

/// R18 — withdrawal: a waiting job that no longer fits — a stop began, the installment was
/// paid, its channel may no longer be used, its figures changed (R20), or its time left the
/// debtor's window (R5) — is taken back before a delivery tool can claim it.
extension Planner {
    /// The waiting jobs of this agreement to take back, and why.
    func withdrawals(_ context: PlanContext, touchpoints: [Touchpoint], trace: inout Trace) -> [Withdrawal] {
        var withdrawals: [Withdrawal] = []
        for job in context.mine where job.state.isWaiting {
            guard
                let (rule, reason) = withdrawalReason(
                    for: job, touchpoints: touchpoints, state: context.state, siblings: context.siblings,
                    history: context.mine, clock: context.primary) ?? outsideWindows(job, context.windows)
            else { continue }
            withdrawals.append(Withdrawal(jobID: job.jobID, rule: rule, reason: reason))
            trace.note(.withdrawal, "withdraw \(job.jobID) (\(job.kind.rawValue)): \(reason)")
        }
        return withdrawals
    }

    /// The rule a waiting job now breaks and why in words, or nil when it still fits.
    private func withdrawalReason(
        for job: ContactRecord, touchpoints: [Touchpoint], state: AgreementState, siblings: [AgreementState],
        history: [ContactRecord], clock: ZoneClock
    ) -> (Rule, String)? {
        if job.kind.isAnswer { return answerWithdrawalReason(for: job, state: state) }
        guard let touchpoint = touchpoints.first(where: { job.touchpoints.contains($0.key) }) else {
            if state.isPaidOff { return (.withdrawal, "R18: the agreement is paid") }
            return (.withdrawal, "R18: \(job.kind.rawValue) is no longer wanted (installment paid or superseded)")
        }
        let day = clock.localDate(of: job.notBefore)
        if let stop = state.stops(on: day).first(where: { blocks($0, touchpoint) }) {
            return (stop.rule, "R18: \(stop.rule) \(stop.reason)")
        }
        if let earliest = touchpoint.earliest, job.notBefore < earliest {
            return (.promises, "R27: a promise to pay holds \(job.kind.rawValue) back")
        }
        if !usableChannels(for: state, history: [], clock: clock, now: job.notBefore).usable.contains(job.channel) {
            return (.optOut, "R18/R16: \(job.channel.rawValue) may no longer be used")
        }
        return changedFigures(of: job, state: state, siblings: siblings, history: history, clock: clock).map {
            (.plainWords, $0)
        }
    }

    /// An answer stays wanted unless every message is stopped, or a help's channel was opted
    /// out since (the confirmation of an opt-out is the one message allowed on it).
    private func answerWithdrawalReason(for job: ContactRecord, state: AgreementState) -> (Rule, String)? {
        if let stop = state.stops.first(where: { $0.blocksEverything && $0.through == nil }) {
            return (stop.rule, "R18: \(stop.rule) \(stop.reason)")
        }
        return job.kind == .help && state.optedOut.contains(job.channel)
            ? (.optOut, "R18/R16: \(job.channel.rawValue) was opted out") : nil
    }

    /// R18 R20 R37: the facts a waiting job states are no longer true on its send day.
    private func changedFigures(
        of job: ContactRecord, state: AgreementState, siblings: [AgreementState], history: [ContactRecord],
        clock: ZoneClock
    ) -> String? {
        guard let stated = job.statement else { return nil }
        // In the job's order: a grouped reminder states each agreement's part in that order.
        let candidates = [state] + siblings
        let about = job.agreements.compactMap { id in candidates.first { $0.agreement.id == id } }
        let now = statement(
            of: job.kind, keys: job.touchpoints, about: about, history: history, at: job.notBefore, clock: clock
        ).fingerprint
        guard now != stated else { return nil }
        return "R18/R20: the figures it states changed (was \(stated); now \(now))"
    }

    /// R5 R18: a waiting job no longer inside the debtor's windows (an `adjust` narrowed them,
    /// a holiday was added) is withdrawn and planned again; answers keep R1's hours only.
    private func outsideWindows(_ job: ContactRecord, _ windows: ContactWindows) -> (Rule, String)? {
        guard job.channel.isTimeBound, !job.kind.isAnswer, !windows.contains(from: job.notBefore, until: job.notAfter)
        else { return nil }
        return (
            .debtorTimes,
            "R18/R5: its send time is no longer inside the debtor's window \(windows.dailyStart)-\(windows.dailyEnd)"
        )
    }
}
