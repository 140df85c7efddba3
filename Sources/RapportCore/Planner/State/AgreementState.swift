import Foundation

/// An agreement together with everything its events say, as of one instant.
///
/// Folding the append-only event log here (rather than mutating stored rows) keeps the planner a
/// pure function: the same agreement, events and instant always give the same state.
public struct AgreementState: Sendable {
    /// A rule that currently forbids contact.
    public struct Stop: Sendable, Equatable {
        /// The rulebook id, e.g. `R12`.
        public var rule: Rule
        /// What happened, for `explain` and the job records.
        public var reason: String
        /// The last local date the stop lasts; nil while it lasts until lifted.
        public var through: LocalDate?
        /// True when even non-collection messages (a thank-you) are forbidden.
        public var blocksEverything: Bool
        /// The kind of event that put the stop in force: one rule (R15) has several causes.
        public var cause: EventType
    }

    /// A payment received, with the event identity its thank-you is keyed by.
    public struct Payment: Sendable, Equatable {
        public var identity: String
        public var at: Date
        public var amount: Money
    }

    /// A promise to pay by a date (R27).
    public struct Promise: Sendable, Equatable {
        public var identity: String
        public var madeAt: Date
        public var date: LocalDate
        /// The amount promised, when the debtor named one.
        public var amount: Money?
        /// Whether a payment arrived after the promise was made.
        public var kept: Bool
    }

    /// An operator pause that has ended (R17), so a gentle check-in may follow.
    public struct EndedPause: Sendable, Equatable {
        public var identity: String
        /// When it ended: the resume, or the start of the day after its last date.
        public var endedAt: Date?
        public var lastDay: LocalDate?
    }

    /// The agreement as imported, with the operator's adjustment applied to how it is contacted.
    public let agreement: Agreement
    /// The operator's adjustment, if any (`rapportctl adjust`).
    public let adjustment: Adjustment?
    /// What has been paid on each installment, imported `paid` included.
    public private(set) var paid: [Identifier: Money] = [:]
    public private(set) var payments: [Payment] = []
    public private(set) var stops: [Stop] = []
    public private(set) var optedOut: Set<Channel> = []
    /// For each opted-out channel, the address the debtor opted out from by a reply (R31), or
    /// nil when an operator or a person did: only the former may a START restore (R33).
    public private(set) var optOutAddress: [Channel: String] = [:]
    /// R35: addresses that failed permanently, unusable until the agreement's address changes.
    public private(set) var undeliverable: [Channel: Event] = [:]
    /// R31, R32 and R40: what the debtor just did, to be answered at the next allowed moment:
    /// opt-outs that may be confirmed once, help requests, and the promises, disputes,
    /// hardships, breathing spaces, STARTs and messages that R40 acknowledges.
    public private(set) var answersWanted: [Event] = []
    /// When a cease notice arrived; one confirmation may follow (R12).
    public private(set) var ceasedAt: Date?
    /// R15: a vulnerability flag routes every message to human review instead of the spool.
    public private(set) var needsReview = false
    /// The last reply, promise or payment: it resets the backoff (R10).
    public private(set) var lastEngagement: Date?
    /// The latest promise to pay, if any (R27).
    public private(set) var promise: Promise?
    /// Live phone conversations (R7: no call in the 7 days that follow one).
    public private(set) var conversations: [Date] = []

    /// When the debtor was last heard from: a conversation, reply, promise or payment. What a
    /// message may say of their silence starts here (R37).
    public var lastHeard: Date? { [lastEngagement, conversations.last].compactMap { $0 }.max() }
    /// The latest operator pause, once it was lifted by a resume or has a last day (R17).
    public private(set) var endedPause: EndedPause?
    private var openPause: (identity: String, until: LocalDate?)?

    /// Folds `events` (any order; those after `now` are ignored) over `agreement`, with the
    /// operator's `adjustment` of channel and designated times.
    public init(agreement: Agreement, events: [Event], adjustment: Adjustment? = nil, now: Date) {
        var adjusted = agreement
        if let adjustment {
            adjusted.preferredChannel = adjustment.preferredChannel ?? agreement.preferredChannel
            adjusted.inconvenient = adjustment.inconvenient ?? agreement.inconvenient
            adjusted.cadence = adjustment.cadence ?? agreement.cadence
        }
        self.agreement = adjusted
        self.adjustment = adjustment
        for installment in agreement.installments { paid[installment.id] = installment.paid }
        let ordered = events.filter { $0.agreement == agreement.id && $0.at <= now }
            .sorted { ($0.at, $0.type.rawValue) < ($1.at, $1.type.rawValue) }
        for event in ordered { apply(event) }
        unpaid = self.agreement.installments.filter { !isPaid($0) }
    }

    /// Whether an installment is paid in full.
    public func isPaid(_ installment: Installment) -> Bool { (paid[installment.id] ?? .zero) >= installment.amount }

    /// What is still owed on an installment.
    public func remaining(_ installment: Installment) -> Money {
        let left = installment.amount - (paid[installment.id] ?? .zero)
        return left > .zero ? left : .zero
    }

    /// The installments not yet paid in full, by due date: found once, when the events are
    /// folded, because every stage of a plan asks.
    public private(set) var unpaid: [Installment] = []

    /// What remains to pay on the whole agreement.
    public var balance: Money { unpaid.reduce(Money.zero) { $0 + remaining($1) } }

    /// Whether every installment is paid (an agreement with none is not "paid off").
    public var isPaidOff: Bool { !agreement.installments.isEmpty && unpaid.isEmpty }

    /// R35: the permanent bounce that makes `channel`'s current address unusable, if any; a
    /// re-import with another address makes the channel usable again.
    public func bounce(on channel: Channel) -> Event? {
        guard let bounce = undeliverable[channel], let address = agreement.contacts[channel],
            Address.normalised(address, channel: channel) == bounce.address
        else { return nil }
        return bounce
    }

    /// The stops in force on local date `date`.
    public func stops(on date: LocalDate) -> [Stop] {
        stops.filter { stop in stop.through.map { date <= $0 } ?? true }
    }

    private mutating func apply(_ event: Event) {
        switch event.type {
        case .payment:
            guard let amount = event.amount else { return }
            allocate(amount, preferring: event.installment)
            payments.append(Payment(identity: event.identity, at: event.at, amount: amount))
            lastEngagement = event.at
            promise?.kept = true
        case .promise:
            lastEngagement = event.at
            if let date = event.date {
                promise = Promise(
                    identity: event.identity, madeAt: event.at, date: date, amount: event.amount, kept: false)
                answersWanted.append(event)
            }
        case .reply:
            lastEngagement = event.at
            answersWanted.append(event)
        case .conversation:
            conversations.append(event.at)
        case .optOut:
            guard let channel = event.channel else { return }
            optedOut.insert(channel)
            optOutAddress[channel] = event.address
            if event.confirm == true { answersWanted.append(event) }
        case .optIn:
            guard let channel = event.channel else { return }
            optedOut.remove(channel)
            optOutAddress[channel] = nil
            // R40: a START from the debtor (it names the address) is confirmed once.
            if event.address != nil { answersWanted.append(event) }
        case .bounce:
            if let channel = event.channel { undeliverable[channel] = event }
        case .help:
            answersWanted.append(event)
        case .cease:
            ceasedAt = ceasedAt ?? event.at
            addStop(.cease, "cease-communication notice", event, blocksEverything: true)
        case .attorney:
            addStop(.attorney, "represented by an attorney", event, blocksEverything: true)
        case .dispute:
            addStop(.dispute, "dispute open", event, blocksEverything: false)
            answersWanted.append(event)
        case .disputeResolved:
            stops.removeAll { $0.rule == .dispute }
            answersWanted.removeAll { $0.type == .dispute }
        case .bankruptcy:
            addStop(.protection, "bankruptcy", event, blocksEverything: true)
        case .deceased:
            addStop(.protection, "debtor deceased", event, blocksEverything: true)
        case .vulnerable:
            needsReview = true
        case .breathingSpace:
            // 60 days, or until its end date; a mental-health crisis moratorium (its reason
            // says so) lasts 30 days beyond its end, as the Breathing Space Regulations set.
            let crisis = event.reason?.lowercased().contains("mental") == true
            let end = event.until ?? Self.utcDate(of: event.at).adding(days: 60)
            addStop(
                .protection, crisis ? "mental-health crisis breathing space" : "breathing space", event,
                through: crisis ? end.adding(days: 30) : end, blocksEverything: false)
            answersWanted.append(event)
        case .hardship:
            addStop(.protection, "hardship", event, through: event.until, blocksEverything: false)
            answersWanted.append(event)
        case .pause:
            stops.removeAll { $0.rule == .pause }
            addStop(
                .pause, "paused by operator" + (event.reason.map { ": \($0)" } ?? ""), event, through: event.until,
                blocksEverything: true)
            openPause = (event.identity, event.until)
            endedPause = event.until.map { EndedPause(identity: event.identity, endedAt: nil, lastDay: $0) }
        case .resume:
            stops.removeAll { $0.rule == .pause }
            if let open = openPause {
                endedPause = EndedPause(identity: open.identity, endedAt: event.at, lastDay: nil)
            }
            openPause = nil
        }
    }

    private mutating func addStop(
        _ rule: Rule, _ reason: String, _ event: Event, through: LocalDate? = nil, blocksEverything: Bool
    ) {
        stops.append(
            Stop(
                rule: rule, reason: reason + " since \(Timestamp.rfc3339(event.at))", through: through,
                blocksEverything: blocksEverything, cause: event.type))
    }

    /// Applies a payment to the named installment, then the oldest unpaid ones.
    private mutating func allocate(_ amount: Money, preferring target: Identifier?) {
        var left = amount
        let order =
            agreement.installments.filter { $0.id == target } + agreement.installments.filter { $0.id != target }
        for installment in order where left > .zero {
            let owed = remaining(installment)
            guard owed > .zero else { continue }
            let applied = min(owed, left)
            paid[installment.id] = (paid[installment.id] ?? .zero) + applied
            left = left - applied
        }
    }

    /// A calendar date for durations counted from an instant (breathing space's 60 days).
    private static func utcDate(of instant: Date) -> LocalDate {
        LocalDate(daysSinceEpoch: Int((instant.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
