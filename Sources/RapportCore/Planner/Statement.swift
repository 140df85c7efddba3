import Foundation

/// What a message states (R20, R26, R27, R37, R39, R40), worked out for the local day it is sent.
///
/// A debtor three installments behind must read the whole of it — "$150.00 is overdue from 3
/// payments, the oldest from October 28" — never one installment's amount while more is owed,
/// and every other fact a message gives is computed here from the record, never assumed by a
/// template: a partial payment received, each agreement's own amount and date in a grouped
/// reminder, the balance as of the send day, whether we really wrote "several times" without a
/// reply. A payment, a reply or a withdrawn job that makes a waiting message untrue changes its
/// `fingerprint`, and the job is withdrawn and planned again with the facts of that day (R18).
public struct Statement: Sendable, Equatable {
    /// What falls due: the remaining amount of the installments a reminder is about (R24, R28).
    public var due: Money?
    /// What is overdue on the day the message is sent; nil when nothing is.
    public var overdue: Arrears?
    /// R28 R37: each agreement's amount and due date in a reminder, one part per agreement.
    public var parts: [Part] = []
    /// R39: what remains on the agreements the message is about, as of `day`.
    public var balance: Money?
    /// R40: the installments still to pay, for a welcome or a changed plan.
    public var schedule: [Part] = []
    /// R26: the payment thanked, and its local date.
    public var payment: (amount: Money, on: LocalDate)?
    /// R27: the promised date and amount.
    public var promise: (date: LocalDate, amount: Money)?
    /// R37: what the record says of the debtor's silence, for a follow-up.
    public var silence: Silence?
    /// R40: the last day of the pause acknowledged, when it has one.
    public var pausedThrough: LocalDate?
    /// The local day the message is sent: its balance is "as of" it, and dates in another year
    /// carry the year (R37).
    public var day: LocalDate?

    public init(due: Money? = nil, overdue: Arrears? = nil, day: LocalDate? = nil) {
        self.due = due
        self.overdue = overdue
        self.day = day
    }

    /// One agreement's part of a message, or one installment of a schedule.
    public struct Part: Sendable, Equatable {
        public var reference: String
        public var amount: Money
        public var due: LocalDate

        public init(reference: String, amount: Money, due: LocalDate) {
            self.reference = reference
            self.amount = amount
            self.due = due
        }
    }

    /// R37: "several times without a reply" only after `unansweredWritten` ≥ 3 since the debtor
    /// was last heard from (a conversation, reply, promise or payment); else when that was.
    public struct Silence: Sendable, Equatable {
        public var unansweredWritten: Int
        public var lastHeard: LocalDate?

        public init(unansweredWritten: Int, lastHeard: LocalDate?) {
            self.unansweredWritten = unansweredWritten
            self.lastHeard = lastHeard
        }

        /// Whether "we have written several times without hearing back" is true.
        public var several: Bool { unansweredWritten >= 3 }
    }

    public static func == (lhs: Statement, rhs: Statement) -> Bool { lhs.fingerprint == rhs.fingerprint }

    /// What a job's reason says of the figures: "R20: states …".
    public var reasonNote: String { "R20: states \(fingerprint)" }

    /// A short, stable rendering of the facts, stored with the job: two statements are the same
    /// message exactly when their fingerprints are equal. A fact only some messages state is
    /// added only when there, so the fingerprints of jobs planned before it existed still hold.
    public var fingerprint: String {
        var text = due.map { "due \($0)" } ?? "due -"
        if let overdue {
            text += "; overdue \(overdue.total) in \(overdue.count) since \(overdue.oldest)"
            if overdue.received > .zero { text += " after \(overdue.received) received" }
        } else {
            text += "; overdue -"
        }
        if parts.count > 1 {
            text += "; parts " + parts.map { "\($0.reference) \($0.amount) \($0.due)" }.joined(separator: ",")
        }
        if let balance { text += "; balance \(balance)" }
        if !schedule.isEmpty {
            text += "; schedule " + schedule.map { "\($0.amount) \($0.due)" }.joined(separator: ",")
        }
        if let payment { text += "; paid \(payment.amount) on \(payment.on)" }
        if let promise { text += "; promised \(promise.amount) for \(promise.date)" }
        if let silence {
            text += "; unanswered \(silence.unansweredWritten) since \(silence.lastHeard?.description ?? "-")"
        }
        if let pausedThrough { text += "; paused through \(pausedThrough)" }
        return text
    }

    /// The unpaid installments of `state` due before `day`: what is overdue on that day.
    public static func arrears(of state: AgreementState, on day: LocalDate) -> Arrears? {
        let late = state.unpaid.filter { $0.due < day }
        guard let oldest = late.first?.due else { return nil }
        let total = late.reduce(Money.zero) { $0 + state.remaining($1) }
        let received = late.reduce(Money.zero) { $0 + ($1.amount - state.remaining($1)) }
        return Arrears(total: total, count: late.count, oldest: oldest, received: received)
    }
}

/// The overdue part of a debt on one day: the total, how many installments, the oldest date,
/// and what was already received toward them (R37: a partial payment is acknowledged).
public struct Arrears: Sendable, Equatable {
    public var total: Money
    public var count: Int
    public var oldest: LocalDate
    /// Paid toward the overdue installments so far: a partial payment.
    public var received: Money

    public init(total: Money, count: Int, oldest: LocalDate, received: Money = .zero) {
        self.total = total
        self.count = count
        self.oldest = oldest
        self.received = received
    }

    /// The arrears of several agreements in one message (R28), in one currency.
    public static func combined(_ parts: [Arrears]) -> Arrears? {
        guard let oldest = parts.map(\.oldest).min() else { return nil }
        return Arrears(
            total: parts.reduce(Money.zero) { $0 + $1.total }, count: parts.reduce(0) { $0 + $1.count }, oldest: oldest,
            received: parts.reduce(Money.zero) { $0 + $1.received })
    }
}
