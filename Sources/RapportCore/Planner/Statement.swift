import Foundation

/// What a message says about money (R20), worked out for the local day it is sent.
///
/// A debtor three installments behind must read the whole of it — "$150.00 is now overdue
/// across 3 payments, the oldest from October 28" — never one installment's amount while more
/// is owed: an understated debt misleads. The statement is computed from the payments recorded
/// when the job is planned; a payment that arrives later changes the statement, and a waiting
/// job whose statement no longer holds is withdrawn and planned again (R18).
public struct Statement: Sendable, Equatable {
    /// What falls due: the remaining amount of the installments a reminder is about (R24, R28).
    public var due: Money?
    /// What is overdue on the day the message is sent; nil when nothing is.
    public var overdue: Arrears?

    public init(due: Money? = nil, overdue: Arrears? = nil) {
        self.due = due
        self.overdue = overdue
    }

    /// What a job's reason says of the figures: "R20: states …".
    public var reasonNote: String { "R20: states \(fingerprint)" }

    /// A short, stable rendering of the figures, stored with the job: two statements are the
    /// same message exactly when their fingerprints are equal.
    public var fingerprint: String {
        let due = self.due.map { "due \($0)" } ?? "due -"
        guard let overdue else { return due + "; overdue -" }
        return due + "; overdue \(overdue.total) in \(overdue.count) since \(overdue.oldest)"
    }

    /// The unpaid installments of `state` due before `day`: what is overdue on that day.
    public static func arrears(of state: AgreementState, on day: LocalDate) -> Arrears? {
        let late = state.unpaid.filter { $0.due < day }
        guard let oldest = late.first?.due else { return nil }
        let total = late.reduce(Money.zero) { $0 + state.remaining($1) }
        return Arrears(total: total, count: late.count, oldest: oldest)
    }
}

/// The overdue part of a debt on one day: the total, how many installments, the oldest date.
public struct Arrears: Sendable, Equatable {
    public var total: Money
    public var count: Int
    public var oldest: LocalDate

    public init(total: Money, count: Int, oldest: LocalDate) {
        self.total = total
        self.count = count
        self.oldest = oldest
    }

    /// The arrears of several agreements in one message (R28), in one currency.
    public static func combined(_ parts: [Arrears]) -> Arrears? {
        guard let oldest = parts.map(\.oldest).min() else { return nil }
        return Arrears(
            total: parts.reduce(Money.zero) { $0 + $1.total }, count: parts.reduce(0) { $0 + $1.count }, oldest: oldest)
    }
}

extension Planner {
    /// R20: what a message of `kind` serving the touchpoints `keys` states when sent on `day`.
    /// - Parameter about: the agreements the message is about: one, or several for a reminder
    ///   that covers a debtor's agreements due near each other (R28).
    /// - Returns: nil for messages that state no debt (thanks, confirmations, help).
    public func statement(
        of kind: ContactKind, keys: [TouchpointKey], about states: [AgreementState], on day: LocalDate
    )
        -> Statement?
    {
        switch kind {
        case .preDue, .dueToday:
            var due = Money.zero
            for state in states {
                for installment in state.unpaid
                where keys.contains(TouchpointKey.reminder(kind, state.agreement.id, installment.id)) {
                    due = due + state.remaining(installment)
                }
            }
            return Statement(
                due: due, overdue: Arrears.combined(states.compactMap { Statement.arrears(of: $0, on: day) }))
        case .missed, .followUp, .checkIn:
            return Statement(overdue: states.first.flatMap { Statement.arrears(of: $0, on: day) })
        case .welcome, .promiseReminder, .thanks, .progress, .completed, .ceaseConfirmation, .optOutConfirmation, .help:
            return nil
        }
    }
}
