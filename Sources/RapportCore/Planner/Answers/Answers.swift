import Foundation

/// Answers to what the debtor just did: R31's one confirmation of an opt-out, R32's help, and
/// R40's acknowledgments of a promise, a dispute, a hardship or breathing space, a START and a
/// message waiting for a person.
///
/// They go out at once, outside R8's pacing (they are answers, not contacts we start) and
/// without counting against it. A confirmation of an opt-out is only sent if it can go out
/// within 5 minutes of the reply inside R1's hours — otherwise none; the others go at the next
/// moment R1 and the debtor's own limits (R5) allow, by the next day or not at all: help at most
/// one a day for each channel, "we have your message" at most one a day for the debtor. Help
/// and the opt-out confirmation answer on the channel and address the debtor wrote from; an
/// acknowledgment goes there when it is usable, else by the first usable written channel.
/// Nothing is answered while a stop forbids every message (R12, R13: beyond R12's one
/// confirmation, nothing is acknowledged after a cease or an attorney).
extension Planner {
    /// How long after an opt-out its one confirmation may still go out (R31).
    static let confirmationWindow: TimeInterval = 5 * 60
    /// Days a request is looked at: an answer goes by the next day or not at all, and a week
    /// covers a daemon that was down; older requests cost a plan nothing.
    static let answerMemoryDays = 7

    /// The answer to send now, if any, and the answers that can no longer be sent.
    /// - Parameters:
    ///   - history: this agreement's jobs.
    ///   - debtorHistory: every job of the debtor: "we have your message" is one a day for the
    ///     debtor, whichever agreement the message concerned.
    func answer(
        for state: AgreementState, history: [ContactRecord], debtorHistory: [ContactRecord], clocks: [ZoneClock],
        primary: ZoneClock, now: Date
    ) -> (contact: PlannedContact?, dropped: [Dropped]) {
        let handled = Set(debtorHistory.filter(\.state.handlesTouchpoint).flatMap(\.touchpoints))
        var dropped: [Dropped] = []
        // A request older than this was answered or dropped (and the drop recorded) long ago.
        let forgotten = primary.localDate(of: now).adding(days: -Self.answerMemoryDays)
        for request in state.answersWanted where primary.localDate(of: request.at) >= forgotten {
            guard let kind = Self.answerKind(for: request) else { continue }
            let key = answerKey(kind, request: request, state: state, clock: primary)
            guard !handled.contains(key), !dropped.contains(where: { $0.touchpoint == key }) else { continue }
            let rule = Self.answerRule(kind)
            guard
                let (channel, address) = answerAddress(
                    kind, request: request, state: state, history: history,
                    clock: primary, now: now)
            else {
                dropped.append(
                    Dropped(touchpoint: key, kind: kind, rule: rule, reason: "R16: no usable written channel"))
                continue
            }
            let slot: (notBefore: Date, notAfter: Date)
            switch answerSlot(kind, request: request, channel: channel, state: state, clocks: clocks, now: now) {
            case .failure(let why):
                dropped.append(Dropped(touchpoint: key, kind: kind, rule: rule, reason: why.reason))
                continue
            case .success(let found):
                slot = found
            }
            let attempt = history.filter { $0.touchpoints.contains(key) }.count
            var contact = PlannedContact(
                jobID: JobID(touchpoint: key, attempt: attempt), touchpoint: key, kind: kind, channel: channel,
                to: address,
                agreement: state.agreement.id, agreements: [state.agreement.id], debtor: state.agreement.debtor,
                timezone: primary.identifier, notBefore: slot.notBefore, notAfter: slot.notAfter,
                localTime: primary.rfc3339(slot.notBefore),
                reason: "\(kind.rawValue): the debtor's \(request.type.rawValue)"
                    + (request.channel.map { " on \($0.rawValue)" } ?? "") + " at \(Timestamp.rfc3339(request.at))"
                    + " (\(rule))",
                installment: nil, statement: nil, paymentAmount: nil, currency: state.agreement.currency
            )
            .describing(state.agreement, history: debtorHistory)
            contact.statement = statement(
                of: kind, keys: [key], about: [state], history: history, at: slot.notBefore, clock: primary)
            return (contact, dropped)
        }
        return (nil, dropped)
    }

    /// The answer an event asks for, if any.
    static func answerKind(for request: Event) -> ContactKind? {
        switch request.type {
        case .help: .help
        case .optOut: .optOutConfirmation
        case .optIn: .optInConfirmation
        case .promise: .promiseAck
        case .dispute: .disputeAck
        case .hardship, .breathingSpace: .pauseAck
        case .reply: .replyAck
        default: nil
        }
    }

    private static func answerRule(_ kind: ContactKind) -> Rule {
        switch kind {
        case .help: .help
        case .optOutConfirmation: .optOutWords
        default: .acknowledge
        }
    }

    private func answerKey(_ kind: ContactKind, request: Event, state: AgreementState, clock: ZoneClock)
        -> TouchpointKey
    {
        switch kind {
        case .help: TouchpointKey.help(state.agreement.id, request.channel ?? .sms, on: clock.localDate(of: request.at))
        case .replyAck: TouchpointKey.replyAck(state.agreement.debtor.id, on: clock.localDate(of: request.at))
        default: TouchpointKey.acknowledgment(kind, state.agreement.id, request)
        }
    }

    /// Where an answer goes: help and the opt-out confirmation to the address the debtor wrote
    /// from; an acknowledgment there when that channel is usable and written, else by the first
    /// usable written channel.
    private func answerAddress(
        _ kind: ContactKind, request: Event, state: AgreementState, history: [ContactRecord], clock: ZoneClock,
        now: Date
    ) -> (Channel, String)? {
        if kind == .help || kind == .optOutConfirmation {
            guard let channel = request.channel, let address = request.address else { return nil }
            return (channel, address)
        }
        let usable = channelChoice(for: state, history: history, clock: clock, now: now)?.usable ?? []
        let written = channels(for: kind, among: usable)
        let channel = request.channel.flatMap { written.contains($0) ? $0 : nil } ?? written.first
        guard let channel, let address = state.agreement.contacts[channel] else { return nil }
        return (channel, address)
    }

    /// Why an answer cannot go out, as a recorded reason.
    struct NoAnswer: Error {
        var reason: String
    }

    private func answerSlot(
        _ kind: ContactKind, request: Event, channel: Channel, state: AgreementState, clocks: [ZoneClock], now: Date
    ) -> Result<(notBefore: Date, notAfter: Date), NoAnswer> {
        if let stop = state.stops.first(where: { $0.blocksEverything && $0.through == nil }) {
            return .failure(NoAnswer(reason: "\(stop.rule): no \(kind.rawValue) while \(stop.reason)"))
        }
        let start = max(now, request.at)
        if kind == .optOutConfirmation { return confirmationSlot(request: request, start: start, clocks: clocks) }
        guard !state.optedOut.contains(channel) else {
            return .failure(NoAnswer(reason: "R16: no \(kind.rawValue) on \(channel.rawValue), it is opted out"))
        }
        var hours = policy
        hours.windowStart = HardLimits.earliest
        hours.windowEnd = HardLimits.latest
        hours.days = Set(Weekday.allCases)
        hours.holidays = HolidayCalendar(usFederal: false)
        let windows = ContactWindows(clocks: clocks, policy: hours, inconvenient: state.agreement.inconvenient)
        guard let opening = windows.nextOpening(from: start),
            clocks[0].localDate(of: opening.start) <= clocks[0].localDate(of: request.at).adding(days: 1)
        else {
            return .failure(
                NoAnswer(
                    reason: "\(Self.answerRule(kind)): no \(kind.rawValue), no allowed moment (R1, R5) by the next day")
            )
        }
        return .success((opening.start, opening.end))
    }

    /// R31: the 5 minutes after the reply, when they lie inside R1's hours in every zone.
    private func confirmationSlot(request: Event, start: Date, clocks: [ZoneClock])
        -> Result<(notBefore: Date, notAfter: Date), NoAnswer>
    {
        let end = request.at.addingTimeInterval(Self.confirmationWindow)
        guard start < end else {
            return .failure(NoAnswer(reason: "R31: no confirmation, 5 minutes have passed since the reply"))
        }
        for clock in clocks {
            let from = clock.localTime(of: start), to = clock.localTime(of: end)
            guard clock.localDate(of: start) == clock.localDate(of: end), from >= HardLimits.earliest,
                to <= HardLimits.latest
            else {
                return .failure(
                    NoAnswer(
                        reason: "R31: no confirmation, the 5 minutes after the reply are outside 08:00-21:00 in "
                            + "\(clock.identifier) (R1)"))
            }
        }
        return .success((start, end))
    }
}
