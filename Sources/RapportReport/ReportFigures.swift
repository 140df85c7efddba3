import Foundation
import RapportCore

/// Everything `rapportctl report` draws, as counts and sums over the whole book: no debtor's
/// name, contact, reference or individual amount is kept here, so none can reach the page.
///
/// Gathered once (`gather(from:planner:forecast:now:)`) and drawn by `ReportPage`; the golden
/// test builds one by hand, so the drawing is checked apart from any store.
public struct ReportFigures: Sendable, Equatable {
    /// One forecast day: messages by channel and how many debtors are at the weekly cap.
    public struct Day: Sendable, Equatable {
        public var date: LocalDate
        public var contacts: [Channel: Int]
        /// Debtors with the weekly cap of paced contacts (R8) in the seven days ending this day.
        public var atCap: Int
        /// The policy calendar's holiday on this day, if any (no contact is planned on it, R4).
        public var holiday: String?

        public init(date: LocalDate, contacts: [Channel: Int] = [:], atCap: Int = 0, holiday: String? = nil) {
            self.date = date
            self.contacts = contacts
            self.atCap = atCap
            self.holiday = holiday
        }

        public var total: Int { contacts.values.reduce(0, +) }
        public var isWeekend: Bool { date.weekday == .sat || date.weekday == .sun }
    }

    /// Arrears of one age band in one currency.
    public struct AgeBand: Sendable, Equatable {
        /// The band's label, e.g. "31–60 days".
        public var label: String
        /// Agreements whose oldest unpaid installment is this many days overdue.
        public var agreements: Int
        /// What those agreements have overdue, together.
        public var amount: Money

        public init(label: String, agreements: Int = 0, amount: Money = .zero) {
            self.label = label
            self.agreements = agreements
            self.amount = amount
        }

        /// Whether the band's amount may be shown: a band of one or two agreements would show
        /// what those debtors owe, so only the count is.
        public var amountShown: Bool { agreements == 0 || agreements >= ReportFigures.smallestGroup }
    }

    /// An amount is shown only for at least this many agreements together: no debtor's own
    /// arrears can be read off the page, nor worked out from a total (see `shownTotal`).
    public static let smallestGroup = 3

    /// The amount of the bands whose amounts are shown: what a currency's total may say without
    /// giving away a hidden band's amount by subtraction.
    public static func shownTotal(_ bands: [AgeBand]) -> Money {
        bands.filter(\.amountShown).reduce(Money.zero) { $0 + $1.amount }
    }

    /// How jobs of the last 30 days ended.
    public enum Outcome: String, Sendable, CaseIterable {
        case delivered, failed, expired, withdrawn
    }

    /// One channel's outcomes over the last 30 days, and its addresses unusable now (R35).
    public struct ChannelOutcomes: Sendable, Equatable {
        public var channel: Channel
        public var counts: [Outcome: Int]
        public var unusableAddresses: Int

        public init(channel: Channel, counts: [Outcome: Int] = [:], unusableAddresses: Int = 0) {
            self.channel = channel
            self.counts = counts
            self.unusableAddresses = unusableAddresses
        }
    }

    /// Agreements under one kind of stop in force (R12–R17).
    public struct StopCount: Sendable, Equatable {
        public var kind: StopKind
        public var agreements: Int

        public init(kind: StopKind, agreements: Int = 0) {
            self.kind = kind
            self.agreements = agreements
        }
    }

    /// When the report was made (UTC).
    public var generatedAt: Date
    public var debtors: Int
    public var agreements: Int
    /// The policy's weekly cap of paced contacts (R8).
    public var weeklyCap: Int
    public var days: [Day]
    /// Per currency (sorted by code), the age bands in order.
    public var arrears: [String: [AgeBand]]
    /// Every channel, in the rulebook's order.
    public var outcomes: [ChannelOutcomes]
    /// Every kind of stop, in the rulebook's order, zeros included.
    public var stops: [StopCount]
    public var inboxWaiting: Int
    public var inboxOldest: Date?

    public init(
        generatedAt: Date, debtors: Int, agreements: Int, weeklyCap: Int, days: [Day], arrears: [String: [AgeBand]],
        outcomes: [ChannelOutcomes], stops: [StopCount], inboxWaiting: Int, inboxOldest: Date?
    ) {
        self.generatedAt = generatedAt
        self.debtors = debtors
        self.agreements = agreements
        self.weeklyCap = weeklyCap
        self.days = days
        self.arrears = arrears
        self.outcomes = outcomes
        self.stops = stops
        self.inboxWaiting = inboxWaiting
        self.inboxOldest = inboxOldest
    }

    /// The age bands of arrears, by days since the oldest unpaid installment's due date.
    public static let ageBands: [(label: String, upTo: Int)] = [
        ("1–30 days", 30), ("31–60 days", 60), ("61–90 days", 90), ("91–180 days", 180),
        ("over 180 days", .max),
    ]

    /// The index in `ageBands` of arrears `days` overdue (at least 1).
    public static func ageBand(ofDaysOverdue days: Int) -> Int {
        ageBands.firstIndex { days <= $0.upTo } ?? ageBands.count - 1
    }
}

/// A kind of stop in force on an agreement, as the report counts it.
public enum StopKind: String, Sendable, CaseIterable {
    case cease, attorney, dispute, bankruptcy, deceased, breathingSpace, hardship, optOut, pause

    /// What an operator reads, with the rule that stops contact.
    public var label: String {
        switch self {
        case .cease: "cease-communication notice (R12)"
        case .attorney: "represented by an attorney (R13)"
        case .dispute: "dispute open (R14)"
        case .bankruptcy: "bankruptcy (R15)"
        case .deceased: "debtor deceased (R15)"
        case .breathingSpace: "breathing space (R15)"
        case .hardship: "hardship (R15)"
        case .optOut: "opted out of a channel (R16)"
        case .pause: "paused by an operator (R17)"
        }
    }
}
