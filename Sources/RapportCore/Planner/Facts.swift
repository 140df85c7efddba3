import Foundation

/// The facts stage: what a message of each kind states (`Statement`), computed from the record
/// for its send instant (R20, R26, R27, R37, R39, R40). The same function serves the job being
/// planned and the waiting job being checked (R18), so a fact that stops being true is noticed.
extension Planner {
    /// What a message of `kind` serving the touchpoints `keys` states when sent at `instant`.
    /// - Parameters:
    ///   - about: the agreements the message is about: one, or several for a reminder that
    ///     covers a debtor's agreements due near each other (R28).
    ///   - history: the jobs of the first agreement: what a follow-up may say of the debtor's
    ///     silence (R37) counts them.
    public func statement(
        of kind: ContactKind, keys: [TouchpointKey], about states: [AgreementState], history: [ContactRecord],
        at instant: Date, clock: ZoneClock
    ) -> Statement {
        let day = clock.localDate(of: instant)
        var statement = Statement(day: day)
        guard let first = states.first else { return statement }
        statement.balance = states.reduce(Money.zero) { $0 + $1.balance }
        switch kind {
        case .preDue, .dueToday:
            statement.parts = states.compactMap { reminded(in: $0, kind: kind, keys: keys) }
            statement.due = statement.parts.reduce(Money.zero) { $0 + $1.amount }
            statement.overdue = Arrears.combined(states.compactMap { Statement.arrears(of: $0, on: day) })
        case .missed, .checkIn:
            statement.overdue = Statement.arrears(of: first, on: day)
        case .followUp:
            statement.overdue = Statement.arrears(of: first, on: day)
            statement.silence = silence(of: first, history: history, before: instant, clock: clock)
        case .promiseReminder, .promiseAck:
            if let promise = first.promise {
                let owed = Statement.arrears(of: first, on: promise.date.adding(days: 1))?.total
                statement.promise = (promise.date, promise.amount ?? owed ?? first.balance)
            }
        case .thanks:
            if let payment = first.payments.first(where: { keys.contains(TouchpointKey.thanks(first.agreement.id, $0)) }
            ) {
                statement.payment = (payment.amount, clock.localDate(of: payment.at))
            }
        case .completed:
            statement.payment = first.payments.last.map { ($0.amount, clock.localDate(of: $0.at)) }
        case .welcome, .planChanged, .progress:
            statement.schedule = first.unpaid.map {
                Statement.Part(
                    reference: first.agreement.referenceForMessages, amount: first.remaining($0), due: $0.due)
            }
            if kind == .progress { statement.schedule = Array(statement.schedule.prefix(1)) }
        case .pauseAck:
            statement.pausedThrough = first.stops.filter { $0.rule == .protection }.compactMap(\.through).max()
        case .disputeAck, .ceaseConfirmation, .optOutConfirmation, .optInConfirmation, .help, .replyAck:
            break
        }
        return statement
    }

    /// The part of a reminder one agreement contributes: its reference, the remaining amount of
    /// its reminded installments and their (earliest) due date.
    private func reminded(in state: AgreementState, kind: ContactKind, keys: [TouchpointKey]) -> Statement.Part? {
        let installments = state.unpaid.filter {
            keys.contains(TouchpointKey.reminder(kind, state.agreement.id, $0.id))
        }
        guard let due = installments.map(\.due).min() else { return nil }
        return Statement.Part(
            reference: state.agreement.referenceForMessages,
            amount: installments.reduce(Money.zero) { $0 + state.remaining($1) }, due: due)
    }

    /// R37: the written collection contacts about `state` since the debtor was last heard from,
    /// sent before `instant` (a call is not "written"; a withdrawn or failed job was never read).
    private func silence(of state: AgreementState, history: [ContactRecord], before instant: Date, clock: ZoneClock)
        -> Statement.Silence
    {
        let heard = state.lastHeard
        // R37: only written contacts since the debtor was last heard from count as unanswered.
        let unanswered = history.filter {
            $0.state.countsAsContact && $0.channel != .voice && $0.kind.isCollection && $0.notBefore < instant
                && $0.notBefore > (heard ?? .distantPast)
        }
        return Statement.Silence(unansweredWritten: unanswered.count, lastHeard: heard.map { clock.localDate(of: $0) })
    }
}
