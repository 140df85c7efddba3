import Foundation

/// A moment in the cadence at which the debtor would like to hear from us: a reminder before a
/// due date, a check-in after a miss, a thank-you. The planner finds, for each, the earliest
/// moment the rules allow.
public struct Touchpoint: Sendable, Equatable {
    /// The rule that wants it, and so decides when: R24 a reminder, R25 a check-in, R10 the
    /// backoff of a follow-up, R26 a thank-you or progress, R27 a promise's reminder, R17 the
    /// word after a pause, R12 the one confirmation of a cease.
    public var rule: Rule
    /// Stable across re-planning, e.g. `pre_due:A-1001:1` (`TouchpointKey`); the job id derives from it.
    public var key: TouchpointKey
    public var kind: ContactKind
    /// The installment it is about, when any.
    public var installment: Installment?
    /// When we would ideally speak.
    public var ideal: Date
    /// R24: when a reminder sent as a letter is posted instead, so it arrives before the date.
    public var letterIdeal: Date?
    /// The earliest moment the touchpoint may want, whatever the channel: what candidates are
    /// ordered by.
    var earliestIdeal: Date { min(ideal, letterIdeal ?? ideal) }
    /// The last local date on which the message is still useful (R29); nil when it keeps.
    public var usefulThrough: LocalDate?
    /// What it is, in words, for the job's `reason` and for `explain`.
    public var purpose: Purpose
    /// Not before this instant, whatever the ideal: a promise holds follow-ups back (R27).
    public var earliest: Date?
    /// R25: how far a follow-up has escalated — one step per `escalateAfter` unanswered
    /// contacts — moving to the next usable channel and a firmer (never threatening) wording.
    public var escalation = 0
    /// A payment confirmation (a thank-you, or the congratulation that thanks for the last
    /// payment) may break the 48-hour gap (R8).
    public var exemptFromGap: Bool { kind.mayBreakGap }

    public init(
        rule: Rule, key: TouchpointKey, kind: ContactKind, installment: Installment?, ideal: Date,
        usefulThrough: LocalDate?,
        purpose: Purpose, earliest: Date? = nil
    ) {
        self.rule = rule
        self.key = key
        self.kind = kind
        self.installment = installment
        self.ideal = ideal
        self.usefulThrough = usefulThrough
        self.purpose = purpose
        self.earliest = earliest
    }
}
