import Foundation

/// R31's one confirmation of an opt-out and R32's help: answers to what the debtor just sent.
///
/// They go out at once, on the channel and to the address the debtor wrote from, outside R8's
/// pacing (they are answers, not contacts we start) and without counting against it. A
/// confirmation is only sent if it can go out within 5 minutes of the reply inside R1's hours —
/// otherwise none; help goes at the next moment R1 and the debtor's own limits (R5) allow, at
/// most one a day for each channel. Nothing is answered while a stop forbids every message.
extension Planner {
    /// How long after an opt-out its one confirmation may still go out (R31).
    static let confirmationWindow: TimeInterval = 5 * 60

    /// The answer to send now, if any, and the answers that can no longer be sent.
    func answer(
        for state: AgreementState, history: [ContactRecord], clocks: [ZoneClock], primary: ZoneClock, now: Date
    ) -> (contact: PlannedContact?, dropped: [Dropped]) {
        let handled = Set(history.filter(\.state.handlesTouchpoint).flatMap(\.touchpoints))
        var dropped: [Dropped] = []
        for request in state.answersWanted {
            guard let channel = request.channel, let address = request.address else { continue }
            let kind: ContactKind = request.type == .help ? .help : .optOutConfirmation
            let key =
                kind == .help
                ? TouchpointKey.help(state.agreement.id, channel, on: primary.localDate(of: request.at))
                : TouchpointKey.optOutConfirmation(state.agreement.id, request)
            guard !handled.contains(key), !dropped.contains(where: { $0.touchpoint == key }) else { continue }
            let slot: (notBefore: Date, notAfter: Date)
            switch answerSlot(kind, request: request, channel: channel, state: state, clocks: clocks, now: now) {
            case .failure(let why):
                dropped.append(
                    Dropped(touchpoint: key, kind: kind, rule: kind == .help ? .help : .optOutWords, reason: why.reason)
                )
                continue
            case .success(let found):
                slot = found
            }
            let attempt = history.filter { $0.touchpoints.contains(key) }.count
            let contact = PlannedContact(
                jobID: JobID(touchpoint: key, attempt: attempt), touchpoint: key, kind: kind, channel: channel,
                to: address,
                agreement: state.agreement.id, agreements: [state.agreement.id], debtor: state.agreement.debtor,
                timezone: primary.identifier, notBefore: slot.notBefore, notAfter: slot.notAfter,
                localTime: primary.rfc3339(slot.notBefore),
                reason: kind == .help
                    ? "help: the debtor wrote HELP on \(channel.rawValue) at \(Timestamp.rfc3339(request.at)) (R32)"
                    : "opt_out_confirmation: \(channel.rawValue) opted out by a reply at "
                        + "\(Timestamp.rfc3339(request.at)) (R31)",
                installment: nil, statement: nil, paymentAmount: nil, currency: state.agreement.currency)
            return (contact, dropped)
        }
        return (nil, dropped)
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
        if kind == .optOutConfirmation {
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
                            reason:
                                "R31: no confirmation, the 5 minutes after the reply are outside 08:00-21:00 in "
                                + "\(clock.identifier) (R1)"
                        ))
                }
            }
            return .success((start, end))
        }
        guard !state.optedOut.contains(channel) else {
            return .failure(NoAnswer(reason: "R16: no help on \(channel.rawValue), it is opted out"))
        }
        var hours = policy
        hours.windowStart = HardLimits.earliest
        hours.windowEnd = HardLimits.latest
        hours.days = Set(Weekday.allCases)
        hours.holidays = HolidayCalendar(usFederal: false)
        let windows = ContactWindows(clocks: clocks, policy: hours, inconvenient: state.agreement.inconvenient)
        guard let opening = windows.nextOpening(from: start),
            clocks[0].localDate(of: opening.start) <= clocks[0].localDate(of: request.at).adding(days: 1)
        else { return .failure(NoAnswer(reason: "R32: no help, no allowed moment (R1, R5) by the next day")) }
        return .success((opening.start, opening.end))
    }
}
