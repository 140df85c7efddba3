import Foundation

/// Decides, for one agreement, what to say next and the earliest moment the rules allow.
///
/// A pure function of (agreement state, the debtor's contact history, policy, now): no I/O and
/// no clock of its own. That is what lets the daemon, `explain` and `simulate` share it, and
/// what lets every rule be tested with hand-made cases.
///
/// The shape of a decision: list the touchpoints the cadence wants (R24–R27), drop those a stop
/// forbids (R12–R17) or that went stale (R29), withdraw waiting jobs that no longer fit (R18),
/// then for each remaining touchpoint find the earliest send time inside the debtor's window in
/// every candidate zone (R1, R2, R4–R6) that also paces well (R8, R11). The earliest of those
/// wins; it is spooled when it is within the lookahead, else the agreement waits.
public struct Planner: Sendable {
    public let policy: Policy

    public init(policy: Policy) { self.policy = policy }

    /// The decision for `state` at `now`, given `history`: every job of the debtor, across all
    /// of their agreements.
    /// - Parameters:
    ///   - siblings: the debtor's other agreements, which a reminder may cover (R28).
    ///   - load: the jobs each channel already carries per minute, for its rate limit (R11).
    public func plan(
        _ state: AgreementState, siblings: [AgreementState] = [], history: [ContactRecord],
        load: ChannelLoad = .unlimited, now: Date
    ) -> Decision {
        if let specialised = policy.specialised(cadence: state.agreement.cadence, adjustment: state.adjustment) {
            var decision = Planner(policy: specialised).planAsConfigured(
                state, siblings: siblings, history: history, load: load, now: now)
            decision.trace.insert(
                "cadence \(state.agreement.cadence)" + (state.adjustment.map { "; adjusted: \($0.summary)" } ?? ""),
                at: 0)
            return decision
        }
        return planAsConfigured(state, siblings: siblings, history: history, load: load, now: now)
    }

    private func planAsConfigured(
        _ state: AgreementState, siblings: [AgreementState], history: [ContactRecord], load: ChannelLoad, now: Date
    ) -> Decision {
        let agreement = state.agreement
        let mine = history.filter { $0.agreements.contains(agreement.id) }
        let inferred = agreement.candidateZones.isEmpty ? ZoneInference.candidates(for: agreement) : nil
        let clocks = (inferred?.zones ?? agreement.candidateZones).compactMap(ZoneClock.init(identifier:))
        guard let primary = clocks.first else {
            var decision = Decision(
                outcome: .blocked(
                    rule: "R2",
                    reason: "no time zone is known or can be inferred for this debtor; nothing time-bound is scheduled")
            )
            decision.trace = [
                "R2/R3: no timezone or timezones, no known region and no NANP phone number; set a zone with a re-import"
            ]
            decision.withdrawals = mine.filter(\.state.isWaiting).map {
                Withdrawal(jobID: $0.jobID, reason: "R2: no time zone known")
            }
            return decision
        }
        let windows = ContactWindows(clocks: clocks, policy: policy, inconvenient: agreement.inconvenient)
        let today = primary.localDate(of: now)
        var trace = inferred.map { ["R3: zones inferred from " + $0.sources.joined(separator: " and ")] } ?? []
        trace += [
            "now \(primary.rfc3339(now)) in \(primary.identifier)"
                + (clocks.count > 1
                    ? "; candidate zones \(clocks.map(\.identifier).joined(separator: ", ")) (R2: windows intersected)"
                    : ""),
            "window \(windows.dailyStart)-\(windows.dailyEnd) local on \(Weekday.allCases.filter(windows.days.contains).map(\.rawValue).joined(separator: ","))",
        ]

        let touchpoints = self.touchpoints(
            for: state, history: mine, debtorHistory: history, clock: primary, today: today)
        let channel = chooseChannel(for: state, history: mine, clock: primary, now: now)
        var decision = Decision(
            outcome: .idle(reason: state.isPaidOff ? "paid off" : "nothing to say until something changes"))

        // R18: waiting jobs that no longer fit are taken back before they can be claimed.
        for job in mine where job.state.isWaiting {
            if let reason = withdrawalReason(
                for: job, touchpoints: touchpoints, state: state, siblings: siblings, clock: primary)
                ?? outsideWindows(job, windows)
            {
                decision.withdrawals.append(Withdrawal(jobID: job.jobID, reason: reason))
                trace.append("withdraw \(job.jobID) (\(job.kind.rawValue)): \(reason)")
            }
        }

        // R31 R32: an answer to what the debtor just sent goes before anything else.
        let answered = answer(for: state, history: mine, clocks: clocks, primary: primary, now: now)
        decision.dropped += answered.dropped
        if var contact = answered.contact {
            contact.needsReview = state.needsReview
            decision.outcome = .send(contact)
            decision.nextReview = now
            decision.trace =
                trace + [
                    "\(contact.kind.rawValue): \(contact.reason) → \(contact.channel.rawValue) at \(primary.rfc3339(contact.notBefore))"
                ]
            return decision
        }

        // A job withdrawn here no longer handles its touchpoint nor counts against the caps:
        // a reminder taken back from an opted-out channel is planned again on the next one.
        let withdrawn = Set(decision.withdrawals.map(\.jobID))
        let handled = Set(
            mine.filter { $0.state.handlesTouchpoint && !withdrawn.contains($0.jobID) }.flatMap(\.touchpoints))
        let paced = history.filter { $0.state.countsAsContact && !$0.kind.isAnswer && !withdrawn.contains($0.jobID) }
        let pacing = Pacing(
            policy: policy, clocks: clocks, history: paced,
            jurisdiction: agreement.jurisdiction.flatMap { policy.jurisdictions[$0] }.map {
                ($0, paced.filter { $0.agreements.contains(agreement.id) })
            })
        var best: (touchpoint: Touchpoint, slot: Slot, channel: Channel)?
        var blockedBy: (rule: String, reason: String)?

        for touchpoint in touchpoints.sorted(by: { ($0.ideal, $0.kind.urgencyRank) < ($1.ideal, $1.kind.urgencyRank) })
        {
            if handled.contains(touchpoint.key) { continue }
            if let best, best.slot.notBefore < touchpoint.ideal { break }
            var line = "\(touchpoint.kind.rawValue): \(touchpoint.purpose); ideal \(primary.rfc3339(touchpoint.ideal))"

            let stopping = state.stops.filter { blocks($0, touchpoint) }
            if let forever = stopping.first(where: { $0.through == nil }) {
                trace.append(line + " → blocked by \(forever.rule): \(forever.reason)")
                blockedBy = blockedBy ?? (forever.rule, forever.reason)
                continue
            }
            var start = max(touchpoint.ideal, now, touchpoint.earliest ?? .distantPast)
            if let lastDay = stopping.compactMap(\.through).max(), lastDay >= primary.localDate(of: start) {
                start = primary.instant(of: lastDay.adding(days: 1), at: LocalTime(minutes: 0)!)
                line += "; held by \(stopping.map(\.rule).joined(separator: ",")) through \(lastDay)"
            }
            if let failed = mine.filter({ $0.touchpoints.contains(touchpoint.key) && $0.state == .failed }).map(
                \.notBefore
            ).max() {
                let retry = failed.addingTimeInterval(TimeInterval(policy.retryAfterMinutes * 60))
                if retry > start {
                    start = retry
                    line += "; the last attempt failed, retry from \(primary.rfc3339(retry))"
                }
            }
            guard let (usable, channelNotes) = channel, !usable.isEmpty else {
                trace.append(line + " → blocked by R16: no usable channel")
                blockedBy = blockedBy ?? ("R16", "no usable channel (opted out, no consent or no address)")
                continue
            }
            // R23: nobody is asked to call back to be thanked, congratulated or told that
            // contact has stopped; without a written channel such a message is skipped.
            let written = touchpoint.kind.mayUseVoice ? usable : usable.filter { $0 != .voice }
            if written.isEmpty {
                let reason = "R23: \(touchpoint.kind.rawValue) may not be a call, and no written channel is usable"
                decision.dropped.append(Dropped(touchpoint: touchpoint.key, kind: touchpoint.kind, reason: reason))
                trace.append(line + " → skipped (\(reason))")
                continue
            }
            // R25: escalation moves slowly down the usable channels and stays on the last.
            let chosen = written[min(touchpoint.escalation, written.count - 1)]
            guard
                let slot = earliestSlot(
                    from: start, windows: windows, pacing: pacing, load: load, touchpoint: touchpoint, channel: chosen,
                    debtor: agreement.debtor.id,
                    preferredTime: state.adjustment?.preferredTime)
            else {
                trace.append(
                    line + " → no allowed window within \(ContactWindows.horizonDays) days in every candidate zone")
                blockedBy = blockedBy ?? ("R2", "no time inside the contact window of every candidate zone")
                continue
            }
            if let through = touchpoint.usefulThrough, primary.localDate(of: slot.notBefore) > through {
                let reason =
                    "R29: stale, the earliest allowed time \(primary.rfc3339(slot.notBefore)) is after \(through)"
                decision.dropped.append(Dropped(touchpoint: touchpoint.key, kind: touchpoint.kind, reason: reason))
                trace.append(line + " → dropped (\(reason))")
                continue
            }
            trace.append(
                line + (slot.notes.isEmpty ? "" : "; " + slot.notes.joined(separator: "; "))
                    + " → \(chosen.rawValue) at \(primary.rfc3339(slot.notBefore)) (\(Timestamp.rfc3339(slot.notBefore))) until \(primary.rfc3339(slot.notAfter))"
                    + (channelNotes.isEmpty ? "" : " [\(channelNotes.joined(separator: "; "))]"))
            // The earliest wins; on the same minute, the more urgent (a check-in after a pause
            // before a reminder of the arrears).
            if let current = best,
                current.slot.notBefore < slot.notBefore
                    || (current.slot.notBefore == slot.notBefore
                        && current.touchpoint.kind.urgencyRank <= touchpoint.kind.urgencyRank)
            {
                continue
            }
            best = (touchpoint, slot, chosen)
        }

        if let (touchpoint, slot, chosen) = best {
            let spoolFrom = spoolTime(for: touchpoint, slot: slot)
            if spoolFrom <= now {
                let attempt = mine.filter { $0.touchpoints.contains(touchpoint.key) }.count
                var contact = plannedContact(
                    touchpoint, slot: slot, channel: chosen, attempt: attempt, state: state, windows: windows,
                    clock: primary)
                contact.firm = touchpoint.escalation > 0
                if state.needsReview {
                    contact.needsReview = true
                    contact.reason += "; R15: vulnerability flag, routed to human review"
                    trace.append("R15: vulnerability flag: the message waits in review/ for a person")
                }
                var about = [state]
                for (sibling, covered) in grouped(
                    with: touchpoint, contact: contact, siblings: siblings, history: history, clock: primary)
                {
                    contact.covers.append(covered.key)
                    contact.agreements.append(sibling.agreement.id)
                    about.append(sibling)
                    contact.reason +=
                        "; R28: also covers \(sibling.agreement.id) installment \(covered.installment?.id.rawValue ?? "?") due \(covered.installment?.due.description ?? "?")"
                    trace.append("R28: one message also covers \(covered.key)")
                }
                contact.statement = statement(
                    of: touchpoint.kind, keys: [touchpoint.key] + contact.covers, about: about,
                    on: primary.localDate(of: slot.notBefore))
                if let figures = contact.statement { contact.reason += "; R20: states \(figures.fingerprint)" }
                decision.outcome = .send(contact)
                decision.nextReview = now
                trace.append("decision: spool \(contact.jobID) now")
            } else {
                decision.outcome = .wait(until: spoolFrom)
                decision.nextReview = spoolFrom
                trace.append(
                    "decision: wait; spool at \(primary.rfc3339(spoolFrom)) (lookahead \(policy.lookaheadHours) h)")
            }
        } else if let blockedBy {
            decision.outcome = .blocked(rule: blockedBy.rule, reason: blockedBy.reason)
            trace.append("decision: blocked by \(blockedBy.rule)")
        } else {
            trace.append("decision: nothing to send (\(state.isPaidOff ? "paid off" : "every touchpoint handled"))")
        }
        decision.trace = trace
        return decision
    }

    // MARK: - Touchpoints

    /// What the cadence wants to say, whether or not it may be said now.
    func touchpoints(
        for state: AgreementState, history: [ContactRecord], debtorHistory: [ContactRecord], clock: ZoneClock,
        today: LocalDate
    ) -> [Touchpoint] {
        let agreement = state.agreement
        let id = agreement.id
        var wanted: [Touchpoint] = []
        let opening = max(policy.windowStart, HardLimits.earliest)
        let midnight = LocalTime(minutes: 0)!

        if let ceased = state.ceasedAt {
            wanted.append(
                Touchpoint(
                    key: "cease_confirmation:\(id)", kind: .ceaseConfirmation, installment: nil, ideal: ceased,
                    usefulThrough: clock.localDate(of: ceased).adding(days: 14),
                    purpose: "confirm that collection contact has stopped (R12)"))
        }

        // R26: the payment that completes the plan is thanked by the congratulation itself.
        let completing = state.isPaidOff ? state.payments.last : nil
        if let completing {
            wanted.append(
                Touchpoint(
                    key: "completed:\(id)", kind: .completed, installment: nil, ideal: completing.at,
                    usefulThrough: clock.localDate(of: completing.at).adding(days: 14),
                    purpose:
                        "completed: the plan is paid in full with the payment of \(completing.amount) \(agreement.currency) (R26)"
                ))
        }
        for payment in state.payments where payment != completing {
            wanted.append(
                Touchpoint(
                    key: "thanks:\(id):\(StableHash.hex(payment.identity).prefix(16))", kind: .thanks, installment: nil,
                    ideal: payment.at,
                    usefulThrough: clock.localDate(of: payment.at).adding(days: policy.thanksStaleDays),
                    purpose:
                        "thank-you for the payment of \(payment.amount) \(agreement.currency) on \(clock.localDate(of: payment.at)) (R26)"
                ))
        }

        for installment in state.unpaid {
            let reminderDay = installment.due.adding(days: -policy.preDueDays)
            wanted.append(
                Touchpoint(
                    key: Touchpoint.reminderKey(.preDue, id, installment.id), kind: .preDue, installment: installment,
                    ideal: clock.instant(of: reminderDay, at: opening),
                    usefulThrough: policy.dueDayReminder ? installment.due.adding(days: -1) : installment.due,
                    purpose:
                        "pre_due for installment \(installment.id) due \(installment.due) (\(policy.preDueDays) days before) (R24)"
                ))
            if policy.dueDayReminder {
                wanted.append(
                    Touchpoint(
                        key: Touchpoint.reminderKey(.dueToday, id, installment.id), kind: .dueToday,
                        installment: installment,
                        ideal: clock.instant(of: installment.due, at: opening), usefulThrough: installment.due,
                        purpose: "due_today for installment \(installment.id) due \(installment.due) (R24)"))
            }
        }

        // R17: once a pause is lifted, a gentle check-in before anything else.
        if let pause = state.endedPause, !state.isPaidOff, !state.agreement.installments.isEmpty {
            let ended = pause.endedAt ?? pause.lastDay.map { clock.instant(of: $0.adding(days: 1), at: midnight) }
            if let ended, clock.localDate(of: ended) <= today {
                wanted.append(
                    Touchpoint(
                        key: "check_in:\(id):\(StableHash.hex(pause.identity).prefix(16))", kind: .checkIn,
                        installment: state.unpaid.first,
                        ideal: ended, usefulThrough: clock.localDate(of: ended).adding(days: 14),
                        purpose: "check_in: a gentle word now that the pause has ended (R17)"))
            }
        }

        // R27: a promise to pay replaces follow-ups with one reminder the day before; unpaid two
        // days after the promised date, it is broken and follow-ups resume.
        var promisedHold: PromiseHold?
        if let promise = state.promise, !promise.kept, today <= promise.date.adding(days: 2) {
            promisedHold = PromiseHold(
                date: promise.date, until: clock.instant(of: promise.date.adding(days: 3), at: midnight))
            wanted.append(
                Touchpoint(
                    key: "promise_reminder:\(id):\(StableHash.hex(promise.identity).prefix(16))",
                    kind: .promiseReminder,
                    installment: state.unpaid.first,
                    ideal: clock.instant(of: promise.date.adding(days: -1), at: opening),
                    usefulThrough: promise.date.adding(days: -1),
                    purpose: "promise_reminder: the day before the promised payment on \(promise.date) (R27)"))
        }

        // R26: an on-track debtor who has not heard from us for 30 days gets a short update.
        // Updates already planned stay listed, so a waiting one is still wanted.
        let onTrack = !state.isPaidOff && !state.payments.isEmpty && !state.unpaid.contains(where: { $0.due < today })
        for update in history where onTrack && update.kind == .progress && update.state.countsAsContact {
            wanted.append(
                Touchpoint(
                    key: update.touchpoint, kind: .progress, installment: state.unpaid.first, ideal: update.notBefore,
                    usefulThrough: nil,
                    purpose: "progress: on track (R26)"))
        }
        if onTrack, let last = debtorHistory.filter(\.state.countsAsContact).map(\.notBefore).max() {
            let day = clock.localDate(of: last).adding(days: 30)
            wanted.append(
                Touchpoint(
                    key: "progress:\(id):\(day)", kind: .progress, installment: state.unpaid.first,
                    ideal: clock.instant(of: day, at: opening),
                    usefulThrough: nil, purpose: "progress: on track, and no word from us for 30 days (R26)"))
        }

        return wanted + arrearsTouchpoints(for: state, history: history, clock: clock, today: today, hold: promisedHold)
    }

    /// Whether `stop` forbids `touchpoint`: a cease notice still allows its one confirmation,
    /// collection stops allow thank-yous, everything else stops it.
    private func blocks(_ stop: AgreementState.Stop, _ touchpoint: Touchpoint) -> Bool {
        if touchpoint.kind == .ceaseConfirmation, stop.rule == "R12" { return false }
        return stop.blocksEverything || touchpoint.kind.isCollection
    }

    /// Why a waiting job must not go out any more, or nil when it still fits.
    private func withdrawalReason(
        for job: ContactRecord, touchpoints: [Touchpoint], state: AgreementState, siblings: [AgreementState],
        clock: ZoneClock
    ) -> String? {
        if job.kind.isAnswer {
            // An answer stays wanted unless every message is stopped, or a help's channel was
            // opted out since (the confirmation of an opt-out is the one message allowed on it).
            if let stop = state.stops.first(where: { $0.blocksEverything && $0.through == nil }) {
                return "R18: \(stop.rule) \(stop.reason)"
            }
            return job.kind == .help && state.optedOut.contains(job.channel)
                ? "R18/R16: \(job.channel.rawValue) was opted out" : nil
        }
        guard let touchpoint = touchpoints.first(where: { job.touchpoints.contains($0.key) }) else {
            if state.isPaidOff { return "R18: the agreement is paid" }
            return "R18: \(job.kind.rawValue) is no longer wanted (installment paid or superseded)"
        }
        let day = clock.localDate(of: job.notBefore)
        if let stop = state.stops(on: day).first(where: { blocks($0, touchpoint) }) {
            return "R18: \(stop.rule) \(stop.reason)"
        }
        if let earliest = touchpoint.earliest, job.notBefore < earliest {
            return "R27: a promise to pay holds \(job.kind.rawValue) back"
        }
        if !chooseChannels(for: state, history: [], clock: clock, now: job.notBefore).usable.contains(job.channel) {
            return "R18/R16: \(job.channel.rawValue) may no longer be used"
        }
        if let stated = job.statement {
            let about =
                [state]
                + siblings.filter { $0.agreement.id != state.agreement.id && job.agreements.contains($0.agreement.id) }
            let now = statement(of: job.kind, keys: job.touchpoints, about: about, on: day)?.fingerprint
            if let now, now != stated { return "R18/R20: the figures it states changed (was \(stated); now \(now))" }
        }
        return nil
    }

    /// R5 R18: a waiting job no longer inside the debtor's windows (an `adjust` narrowed them,
    /// a holiday was added) is withdrawn and planned again; answers keep R1's hours only.
    private func outsideWindows(_ job: ContactRecord, _ windows: ContactWindows) -> String? {
        guard job.channel.isTimeBound, !job.kind.isAnswer, !windows.contains(from: job.notBefore, until: job.notAfter)
        else { return nil }
        return "R18/R5: its send time is no longer inside the debtor's window \(windows.dailyStart)-\(windows.dailyEnd)"
    }

    /// R28: the debtor's other agreements whose reminder falls near this one's — an installment
    /// due within `groupingDays`, still unreminded, free to be contacted, to the same address
    /// in the same currency — are covered by this one message instead of one each.
    private func grouped(
        with touchpoint: Touchpoint, contact: PlannedContact, siblings: [AgreementState], history: [ContactRecord],
        clock: ZoneClock
    ) -> [(AgreementState, Touchpoint)] {
        guard touchpoint.kind == .preDue, let due = touchpoint.installment?.due else { return [] }
        let day = clock.localDate(of: contact.notBefore)
        var covered: [(AgreementState, Touchpoint)] = []
        for sibling in siblings
        where sibling.agreement.id != contact.agreement && sibling.agreement.currency == contact.currency {
            guard sibling.agreement.contacts[contact.channel] == contact.to,
                chooseChannels(for: sibling, history: [], clock: clock, now: contact.notBefore).usable.contains(
                    contact.channel)
            else { continue }
            let theirs = history.filter { $0.agreements.contains(sibling.agreement.id) }
            let handled = Set(theirs.filter(\.state.handlesTouchpoint).flatMap(\.touchpoints))
            let candidate = touchpoints(for: sibling, history: theirs, debtorHistory: history, clock: clock, today: day)
                .first { other in
                    other.kind == .preDue && !handled.contains(other.key)
                        && other.installment.map { abs($0.due.days(until: due)) <= policy.groupingDays } == true
                        && (other.usefulThrough.map { day <= $0 } ?? true)
                        && !sibling.stops(on: day).contains { blocks($0, other) }
                }
            if let candidate { covered.append((sibling, candidate)) }
        }
        return covered
    }

    // MARK: - Channel

    /// The usable channels for the next contact, best first: a channel whose last delivery
    /// failed yields to the next usable one when there is one.
    private func chooseChannel(for state: AgreementState, history: [ContactRecord], clock: ZoneClock, now: Date) -> (
        [Channel], [String]
    )? {
        var (usable, notes) = chooseChannels(for: state, history: history, clock: clock, now: now)
        if let first = usable.first, usable.count > 1,
            history.filter({ $0.channel == first && ($0.state == .delivered || $0.state == .failed) }).max(by: {
                $0.notBefore < $1.notBefore
            })?.state == .failed
        {
            usable.removeFirst()
            usable.append(first)
            notes.append("\(first.rawValue): the last delivery failed, trying \(usable[0].rawValue)")
        }
        return usable.isEmpty ? nil : (usable, notes)
    }

    /// The preferred channel if usable, else the next usable one in the policy's order (R16:
    /// never an opted-out channel, never SMS without consent; R5: never a channel the debtor
    /// called inconvenient; never a channel whose last `failuresBeforeUnusable` deliveries
    /// failed — a bounced address or a dead number).
    private func chooseChannels(for state: AgreementState, history: [ContactRecord], clock: ZoneClock, now: Date) -> (
        usable: [Channel], notes: [String]
    ) {
        let today = clock.localDate(of: now)
        let agreement = state.agreement
        var order: [Channel] = []
        for channel in [agreement.preferredChannel].compactMap({ $0 }) + policy.channelOrder
        where !order.contains(channel) {
            order.append(channel)
        }
        var usable: [Channel] = []
        var notes: [String] = []
        for channel in order {
            guard agreement.contacts[channel] != nil else { continue }
            if state.optedOut.contains(channel) {
                notes.append("\(channel.rawValue): opted out (R16)")
            } else if let bounce = state.bounce(on: channel) {
                notes.append(
                    "\(channel.rawValue): the address bounced permanently on \(clock.localDate(of: bounce.at))"
                        + " (\(bounce.reason ?? "5.x.x")); unusable until it changes (R35)")
            } else if channel == .sms, !agreement.consent.sms {
                notes.append("sms: no recorded consent (R16)")
            } else if agreement.inconvenient?.channels.contains(channel) == true {
                notes.append("\(channel.rawValue): inconvenient for the debtor (R5)")
            } else if channel == .voice,
                let talked = state.conversations.map({ clock.localDate(of: $0) }).filter({ $0.adding(days: 6) >= today }
                ).max()
            {
                notes.append("voice: a conversation on \(talked); no call through \(talked.adding(days: 6)) (R7)")
            } else if channel == .voice,
                history.filter({
                    $0.channel == .voice && $0.state.countsAsContact
                        && $0.notBefore > now.addingTimeInterval(-7 * 86_400) && $0.notBefore <= now
                }).count >= 7
            {
                notes.append("voice: 7 call attempts in the last 7 days (R7)")
            } else if Self.keepsFailing(
                channel, address: agreement.contacts[channel], history: history,
                threshold: policy.failuresBeforeUnusable)
            {
                notes.append(
                    "\(channel.rawValue): the last \(policy.failuresBeforeUnusable) deliveries failed; unusable until the address changes"
                )
            } else {
                usable.append(channel)
            }
        }
        return (usable, notes)
    }

    /// Whether the last `threshold` finished deliveries to `address` on `channel` all failed.
    static func keepsFailing(_ channel: Channel, address: String?, history: [ContactRecord], threshold: Int) -> Bool {
        let finished = history.filter {
            $0.channel == channel && $0.recipient == address && ($0.state == .delivered || $0.state == .failed)
        }
        .sorted { $0.notBefore < $1.notBefore }
        return finished.count >= threshold && finished.suffix(threshold).allSatisfy { $0.state == .failed }
    }

    // MARK: - Time

    /// A send interval: the job's `not_before` … `not_after`.
    struct Slot {
        var notBefore: Date
        var notAfter: Date
        var notes: [String]
    }

    /// The earliest instant at or after `start` inside the windows that paces well, placed at
    /// the debtor's stable offset into the window (R11).
    private func earliestSlot(
        from start: Date, windows: ContactWindows, pacing: Pacing, load: ChannelLoad, touchpoint: Touchpoint,
        channel: Channel, debtor: Identifier,
        preferredTime: LocalTime?
    ) -> Slot? {
        // R11: at the debtor's preferred time when known (and inside the window), else at a
        // stable per-debtor offset into it.
        let offset =
            preferredTime.map { TimeInterval(max(0, $0.minutes - windows.dailyStart.minutes) * 60) }
            ?? TimeInterval(Int(StableHash.fnv1a128(debtor.rawValue) % UInt128(max(1, policy.spreadMinutes))) * 60)
        var cursor = start
        var notes: [String] = []
        var fullMinutes = 0
        for _ in 0..<(64 + 24 * 60) {
            guard let opening = windows.nextOpening(from: cursor) else { return nil }
            let latestStart = opening.end.addingTimeInterval(-windows.minimumLength)
            var candidate = opening.opensAt.addingTimeInterval(offset)
            if candidate < opening.start {
                // Past the debtor's usual minute today: go soon, still spread a little.
                candidate = Self.nextWholeMinute(opening.start).addingTimeInterval(
                    offset.truncatingRemainder(dividingBy: 600))
            }
            candidate = max(opening.start, min(candidate, latestStart))
            if let conflict = pacing.conflict(at: candidate, channel: channel, exemptFromGap: touchpoint.exemptFromGap)
            {
                notes.append(conflict.explanation)
                cursor = max(conflict.retryAt, candidate.addingTimeInterval(60))
                continue
            }
            if load.isFull(channel, at: candidate) {
                // R11: this minute already carries the channel's limit; try the next one.
                fullMinutes += 1
                cursor = Date(timeIntervalSince1970: Double(ChannelLoad.minute(of: candidate) + 1) * 60)
                continue
            }
            if fullMinutes > 0 {
                notes.append(
                    "R11: \(channel.rawValue) at its \(load.limits[channel] ?? 0)/min limit for \(fullMinutes) min")
            }
            return Slot(notBefore: candidate, notAfter: opening.end, notes: notes)
        }
        return nil
    }

    /// When a contact at `slot` should be written to the spool: within the lookahead, but a
    /// check-in after a miss only once its day has come, so it is decided on the latest payments.
    private func spoolTime(for touchpoint: Touchpoint, slot: Slot) -> Date {
        let ahead = slot.notBefore.addingTimeInterval(-TimeInterval(policy.lookaheadHours * 3600))
        switch touchpoint.kind {
        case .missed, .followUp: return max(ahead, touchpoint.ideal)
        default: return ahead
        }
    }

    private static func nextWholeMinute(_ instant: Date) -> Date {
        Date(timeIntervalSince1970: (instant.timeIntervalSince1970 / 60).rounded(.up) * 60)
    }

    private func plannedContact(
        _ touchpoint: Touchpoint, slot: Slot, channel: Channel, attempt: Int, state: AgreementState,
        windows: ContactWindows, clock: ZoneClock
    ) -> PlannedContact {
        let agreement = state.agreement
        let zones = windows.clocks.map(\.identifier).joined(separator: "+")
        let reason =
            "\(touchpoint.purpose); window \(windows.dailyStart)-\(windows.dailyEnd) \(zones)"
            + (slot.notes.isEmpty ? "" : "; " + slot.notes.joined(separator: "; "))
        return PlannedContact(
            jobID: "j-" + StableHash.hex("\(touchpoint.key)#\(attempt)"),
            touchpoint: touchpoint.key, kind: touchpoint.kind, channel: channel, to: agreement.contacts[channel] ?? "",
            agreement: agreement.id, agreements: [agreement.id], debtor: agreement.debtor, timezone: clock.identifier,
            notBefore: slot.notBefore, notAfter: slot.notAfter, localTime: clock.rfc3339(slot.notBefore),
            reason: reason,
            installment: touchpoint.installment, statement: nil,
            paymentAmount: touchpoint.kind == .thanks
                ? state.payments.first {
                    "thanks:\(agreement.id):\(StableHash.hex($0.identity).prefix(16))" == touchpoint.key
                }?.amount : nil,
            currency: agreement.currency)
    }
}
