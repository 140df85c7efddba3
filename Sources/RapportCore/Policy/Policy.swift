/// Everything the planner needs to know about the operator's contact rules.
///
/// The defaults are the rulebook's shipped defaults. The config may only make them stricter
/// (`RapportConfig` refuses a looser value, and the planner plans with `withinRulebook` of any
/// policy, however built); the HARD bounds in `HardLimits` cannot be configured at all.
public struct Policy: Sendable, Equatable {
    /// R4: the daily window in the debtor's local time.
    public var windowStart = LocalTime("09:00")!
    public var windowEnd = LocalTime("20:00")!
    /// R4: the weekdays on which contact is allowed.
    public var days: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri, .sat]
    /// R4: the dates on which nobody is contacted.
    public var holidays = HolidayCalendar()

    /// R8: contacts per debtor per local day.
    public var maxPerDay = 1
    /// R8: hours between two contacts of one debtor.
    public var minGapHours = 48
    /// R8: contacts per debtor in any 7 consecutive local days.
    public var maxPerWeek = 3

    /// R24: days before a due date that the friendly reminder goes out.
    public var preDueDays = 3
    /// R24: days before a due date that a reminder by letter is posted, so it arrives first.
    public var letterPreDueDays = 7
    /// R28: reminders for a debtor's installments due within this many days of each other go
    /// out as one message.
    public var groupingDays = 3
    /// R24: whether a reminder also goes out on the due date itself.
    public var dueDayReminder = false
    /// R25: days after a missed due date before the kind check-in.
    public var missedGraceDays = 2
    /// R25: the base gap, in days, between follow-ups on an unpaid installment.
    public var followUpDays = 7
    /// R25: every this-many unanswered contacts, follow-ups escalate one step: the next usable
    /// channel, and a firmer wording.
    public var escalateAfter = 2
    /// R10: each unanswered contact stretches the next follow-up gap by this factor …
    public var backoffFactor = 1.5
    /// R10: … up to a monthly check-in at most.
    public var maxFollowUpGapDays = 30
    /// R26/R29: a thank-you older than this many days is stale and dropped.
    public var thanksStaleDays = 7

    /// How far ahead jobs are written to the spool, so delivery tools have them before their
    /// `not_before`. Anything spooled early is withdrawn (R18) if the situation changes.
    public var lookaheadHours = 48
    /// R11: send times are spread over this many minutes after the window opens, by a stable
    /// per-debtor offset, so a portfolio does not all go out at 09:00:00.
    public var spreadMinutes = 240
    /// A job's `not_before`..`not_after` must leave the delivery tool at least this long.
    public var minimumSendMinutes = 30
    /// The order in which channels are tried when the preferred one cannot be used.
    public var channelOrder: [Channel] = [.sms, .email, .voice, .letter]
    /// R22: the sender is a debt collector (`[sender] debt_collector`): the first written
    /// message to a debtor carries the full disclosure, too long for an SMS, so it goes by
    /// e-mail or letter.
    public var collector = false
    /// R11: the most jobs per minute each channel may carry (the delivery tools' capacity).
    public var ratePerMinute: [Channel: Int] = [:]
    /// After a failed delivery, the same touchpoint is tried again no sooner than this.
    public var retryAfterMinutes = 60
    /// A channel whose last this-many deliveries failed is not used again for the agreement.
    public var failuresBeforeUnusable = 3
    /// R9: stricter limits selected by an agreement's jurisdiction.
    public var jurisdictions: [String: JurisdictionLimits] = JurisdictionLimits.shipped
    /// Named cadence profiles an agreement may select (imported `cadence`, or `adjust`).
    public var cadences: [String: CadenceProfile] = [:]

    /// The policy for one agreement: its cadence profile and its adjustment applied, or nil
    /// when the policy applies as it is.
    func specialised(cadence: String, adjustment: Adjustment?) -> Policy? {
        let profile = cadences[adjustment?.cadence ?? cadence]
        let gap = adjustment?.minGapHours.flatMap { $0 > minGapHours ? $0 : nil }
        guard profile != nil || gap != nil else { return nil }
        var policy = self
        if let profile {
            policy.preDueDays = profile.preDueDays ?? preDueDays
            policy.missedGraceDays = profile.missedGraceDays ?? missedGraceDays
            policy.followUpDays = profile.followUpDays ?? followUpDays
            policy.backoffFactor = profile.backoffFactor ?? backoffFactor
            policy.maxFollowUpGapDays = profile.maxFollowUpGapDays ?? maxFollowUpGapDays
        }
        if let gap { policy.minGapHours = gap }
        return policy
    }

    public init() {}

    /// The rulebook's shipped defaults.
    public static let standard = Policy()
}

/// A jurisdiction's own caps on contacts about one debt (R9), on top of R8's per-debtor pacing.
public struct JurisdictionLimits: Sendable, Equatable {
    /// The jurisdiction, e.g. `US-MA`.
    public var name: String
    /// Contacts of any channel about the debt in any 7 consecutive days.
    public var maxContactsPerWeek: Int?
    /// Phone calls (live or recorded) and texts about the debt in any 7 consecutive days.
    public var maxCallsAndTextsPerWeek: Int?

    public init(name: String, maxContactsPerWeek: Int? = nil, maxCallsAndTextsPerWeek: Int? = nil) {
        self.name = name
        self.maxContactsPerWeek = maxContactsPerWeek
        self.maxCallsAndTextsPerWeek = maxCallsAndTextsPerWeek
    }

    /// The profiles shipped from the rulebook: Massachusetts (940 CMR 7.04: two calls or texts
    /// in seven days) and Washington (RCW 19.16.250: three contacts in a week).
    public static let shipped: [String: JurisdictionLimits] = [
        "US-MA": JurisdictionLimits(name: "US-MA", maxCallsAndTextsPerWeek: 2),
        "US-WA": JurisdictionLimits(name: "US-WA", maxContactsPerWeek: 3),
    ]
}

/// The HARD bounds of the rulebook, which no configuration can loosen.
public enum HardLimits {
    /// R1: nothing before 08:00 local.
    public static let earliest = LocalTime("08:00")!
    /// R1: nothing at or after 21:00 local.
    public static let latest = LocalTime("21:00")!
}
