import Foundation

/// The candidates stage: each wanted touchpoint not yet handled, oldest ideal first, through
/// the stops (R12–R17), the channel (R16 R23) and the slot (R1–R11), with stale ones dropped
/// (R29). The earliest slot wins; on the same minute the more urgent kind (a check-in after a
/// pause before a reminder of the arrears).
extension Planner {
    /// The winner, and what the candidates stage found on the way.
    struct Choice {
        var best: (touchpoint: Touchpoint, slot: Slot, channel: Channel)?
        /// The first rule that blocked a touchpoint, for a decision with no winner.
        var blockedBy: (rule: Rule, reason: String)?
        var dropped: [Dropped] = []
    }

    func choose(
        among touchpoints: [Touchpoint], _ context: PlanContext, withdrawn withdrawals: [Withdrawal],
        trace: inout Trace
    ) -> Choice {
        // A job withdrawn here no longer handles its touchpoint nor counts against the caps:
        // a reminder taken back from an opted-out channel is planned again on the next one.
        let withdrawn = Set(withdrawals.map(\.jobID))
        let handled = Set(
            context.mine.filter { $0.state.handlesTouchpoint && !withdrawn.contains($0.jobID) }.flatMap(\.touchpoints))
        let pacing = self.pacing(context, excluding: withdrawn)
        let channels = channelChoice(
            for: context.state, history: context.mine, clock: context.primary, now: context.now)
        var choice = Choice()
        let ordered = touchpoints.sorted {
            ($0.earliestIdeal, $0.kind.urgencyRank) < ($1.earliestIdeal, $1.kind.urgencyRank)
        }
        for touchpoint in ordered where !handled.contains(touchpoint.key) {
            if let best = choice.best, best.slot.notBefore < touchpoint.earliestIdeal { break }
            consider(touchpoint, context, pacing: pacing, channels: channels, into: &choice, trace: &trace)
        }
        return choice
    }

    /// R8 R9: the debtor's contacts that count, and this debt's for its jurisdiction.
    private func pacing(_ context: PlanContext, excluding withdrawn: Set<JobID>) -> Pacing {
        let paced = context.history.filter {
            $0.state.countsAsContact && !$0.kind.isAnswer && !withdrawn.contains($0.jobID)
        }
        let agreement = context.state.agreement
        return Pacing(
            policy: policy, clocks: context.clocks, history: paced,
            jurisdiction: agreement.jurisdiction.flatMap { policy.jurisdictions[$0] }.map {
                ($0, paced.filter { $0.agreements.contains(agreement.id) })
            })
    }

    /// One touchpoint through the stops, the channel and the slot.
    private func consider(
        _ touchpoint: Touchpoint, _ context: PlanContext, pacing: Pacing, channels: UsableChannels?,
        into choice: inout Choice, trace: inout Trace
    ) {
        let primary = context.primary
        var line: String {
            "\(touchpoint.kind.rawValue): \(touchpoint.purpose); ideal \(primary.rfc3339(touchpoint.ideal))"
        }
        let verdict = stopVerdict(for: touchpoint, context.state)
        if case .forbidden(let stop) = verdict {
            trace.note(stop.rule, line + " → blocked by \(stop.rule): \(stop.reason)")
            choice.blockedBy = choice.blockedBy ?? (stop.rule, stop.reason)
            return
        }
        guard let channels, !channels.usable.isEmpty else {
            trace.note(.optOut, line + " → blocked by R16: no usable channel")
            choice.blockedBy = choice.blockedBy ?? (.optOut, "no usable channel (opted out, no consent or no address)")
            return
        }
        let written = self.channels(for: touchpoint.kind, among: channels.usable)
        guard !written.isEmpty else {
            let reason = notACall(touchpoint.kind)
            choice.dropped.append(
                Dropped(touchpoint: touchpoint.key, kind: touchpoint.kind, rule: .voiceScript, reason: reason))
            trace.note(.voiceScript, line + " → skipped (\(reason))")
            return
        }
        // R25: escalation moves slowly down the usable channels and stays on the last.
        let chosen = written[min(touchpoint.escalation, written.count - 1)]
        // R24: a letter is posted early enough to arrive first.
        let ideal = chosen == .letter ? touchpoint.letterIdeal ?? touchpoint.ideal : touchpoint.ideal
        var start = max(ideal, context.now, touchpoint.earliest ?? .distantPast)
        var delays: [String] = []
        if case .heldThrough(let lastDay, let rules) = verdict, lastDay >= primary.localDate(of: start) {
            start = primary.instant(of: lastDay.adding(days: 1), at: .midnight)
            if trace.isRecording {
                delays.append("held by \(rules.map(\.rawValue).joined(separator: ",")) through \(lastDay)")
            }
        }
        if let failed = context.mine.filter({ $0.touchpoints.contains(touchpoint.key) && $0.state == .failed })
            .map(\.notBefore).max(), let retry = retryTime(after: failed, from: start)
        {
            start = retry
            if trace.isRecording { delays.append("the last attempt failed, retry from \(primary.rfc3339(retry))") }
        }
        var held: String { line + delays.map { "; " + $0 }.joined() }
        guard
            let slot = earliestSlot(
                from: start, windows: context.windows, pacing: pacing, load: context.load, touchpoint: touchpoint,
                channel: chosen, debtor: context.state.agreement.debtor.id,
                preferredTime: context.state.adjustment?.preferredTime)
        else {
            trace.note(
                .location,
                held + " → no allowed window within \(ContactWindows.horizonDays) days in every candidate zone")
            choice.blockedBy =
                choice.blockedBy ?? (.location, "no time inside the contact window of every candidate zone")
            return
        }
        if let reason = staleness(of: touchpoint, at: slot, clock: primary) {
            choice.dropped.append(
                Dropped(touchpoint: touchpoint.key, kind: touchpoint.kind, rule: .catchUp, reason: reason))
            trace.note(.catchUp, held + " → dropped (\(reason))")
            return
        }
        trace.note(
            nil,
            held + slot.notes.map { "; \($0)" }.joined()
                + " → \(chosen.rawValue) at \(primary.rfc3339(slot.notBefore)) (\(Timestamp.rfc3339(slot.notBefore)))"
                + " until \(primary.rfc3339(slot.notAfter))"
                + (channels.notes.isEmpty ? "" : " [\(channels.notes.joined(separator: "; "))]"))
        if let current = choice.best,
            current.slot.notBefore < slot.notBefore
                || (current.slot.notBefore == slot.notBefore
                    && current.touchpoint.kind.urgencyRank <= touchpoint.kind.urgencyRank)
        {
            return
        }
        choice.best = (touchpoint, slot, chosen)
    }
}
