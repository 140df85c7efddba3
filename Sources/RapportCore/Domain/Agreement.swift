import Foundation

/// A repayment agreement as imported: who owes, how to reach them, and the installments.
///
/// Stored as its `canonicalJSON` (the contract's import shape), so a re-import that changes
/// nothing is recognised as unchanged and a changed one is kept as a new version.
public struct Agreement: Sendable, Equatable {
    public var id: Identifier
    public var debtor: Debtor
    /// The one zone the debtor lives in, when known.
    public var timezone: String?
    /// Candidate zones when the debtor may be in several (R2: windows are intersected).
    public var timezones: [String]?
    /// The US state or postal region (`US-TX`), used to infer zones.
    public var region: String?
    /// The jurisdiction whose profile applies (`US-MA`, `US-WA`).
    public var jurisdiction: String?
    /// The address for each channel: E.164 numbers for sms and voice, an e-mail address, a
    /// postal address for letters.
    public var contacts: [Channel: String]
    public var consent: Consent
    public var preferredChannel: Channel?
    /// Times, days and channels the debtor asked us to avoid (R5).
    public var inconvenient: Inconvenience?
    /// The cadence profile (`standard` unless adjusted).
    public var cadence: String
    /// ISO 4217 code of every amount in this agreement.
    public var currency: String
    /// In due order (then by id): the planner's "oldest unpaid" and "next due" rely on it, so
    /// the initialiser sorts whatever it is given.
    public var installments: [Installment]
    /// The account reference the debtor knows (the import's `reference`), quoted in collection
    /// messages (R39); nil when the import gave none, and the id is quoted instead.
    public var reference: String?
    /// Whether the import asked for a welcome (R40): only a plan new to the debtor gets one,
    /// never a book moved into Rapport.
    public var welcome = false
    /// When a re-import last changed the installments (R40's `plan_changed`): kept by the store,
    /// not part of the import line.
    public var scheduleChangedAt: Date?

    /// The reference a message names the agreement by (R39): the import's `reference`, else the
    /// id; a long one by its last 4 characters, as statements print card numbers.
    public var referenceForMessages: String {
        let full = reference ?? id.rawValue
        return full.count > 8 ? "…" + full.suffix(4) : full
    }

    /// Whether `other` has the same installments — ids, dates and amounts; what was paid may
    /// differ — so a re-import that only records payments is not a changed plan (R40).
    public func hasSameSchedule(as other: Agreement) -> Bool {
        installments.map { [$0.id.rawValue, $0.due.description, $0.amount.description] }
            == other.installments.map { [$0.id.rawValue, $0.due.description, $0.amount.description] }
    }

    /// The zones the debtor may be in, in the order given; empty when none is known.
    public var candidateZones: [String] { timezone.map { [$0] } ?? timezones ?? [] }

    public init(
        id: Identifier, debtor: Debtor, timezone: String? = nil, timezones: [String]? = nil,
        region: String? = nil, jurisdiction: String? = nil, contacts: [Channel: String],
        consent: Consent = Consent(), preferredChannel: Channel? = nil, inconvenient: Inconvenience? = nil,
        cadence: String = "standard", currency: String = "USD", installments: [Installment],
        reference: String? = nil, welcome: Bool = false
    ) {
        self.reference = reference
        self.welcome = welcome
        self.id = id
        self.debtor = debtor
        self.timezone = timezone
        self.timezones = timezones
        self.region = region
        self.jurisdiction = jurisdiction
        self.contacts = contacts
        self.consent = consent
        self.preferredChannel = preferredChannel
        self.inconvenient = inconvenient
        self.cadence = cadence
        self.currency = currency
        self.installments = installments.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
    }

}

/// The person behind one or more agreements; pacing (R8) counts across all of theirs.
public struct Debtor: Sendable, Equatable {
    public var id: Identifier
    public var name: String
    public var preferredName: String?
    /// The given (first) name: the greeting's fallback when no preferred name is known, so
    /// nobody is greeted by their full legal name (R20).
    public var givenName: String?
    /// A language tag such as `en` or `es`; messages fall back to English.
    public var locale: String?

    public init(
        id: Identifier, name: String, preferredName: String? = nil, givenName: String? = nil, locale: String? = nil
    ) {
        self.givenName = givenName
        self.id = id
        self.name = name
        self.preferredName = preferredName
        self.locale = locale
    }

    /// The name to greet the debtor with (R20): the preferred name, else the given name; nil
    /// when neither is known, and the message greets without a name rather than by the full
    /// legal name.
    public var greetingName: String? { preferredName ?? givenName }
}

/// What the debtor agreed to receive. SMS is never sent without it (R16).
public struct Consent: Sendable, Equatable {
    public var sms: Bool
    public init(sms: Bool = false) { self.sms = sms }
}

/// The debtor's own limits (R5): they bind until the debtor withdraws them.
public struct Inconvenience: Sendable, Equatable, Codable {
    /// No contact before this local time.
    public var before: LocalTime?
    /// No contact at or after this local time.
    public var after: LocalTime?
    public var days: [Weekday]
    public var channels: [Channel]

    public init(before: LocalTime? = nil, after: LocalTime? = nil, days: [Weekday] = [], channels: [Channel] = []) {
        self.before = before
        self.after = after
        self.days = days
        self.channels = channels
    }
}

/// One scheduled payment.
public struct Installment: Sendable, Equatable {
    public var id: Identifier
    public var due: LocalDate
    public var amount: Money
    /// What was already paid when the agreement was imported.
    public var paid: Money

    public init(id: Identifier, due: LocalDate, amount: Money, paid: Money = .zero) {
        self.id = id
        self.due = due
        self.amount = amount
        self.paid = paid
    }
}
