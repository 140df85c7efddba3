import Foundation

/// Everything the planner needs about one debtor: all their agreements, those agreements'
/// events, every job ever planned for them and the operators' adjustments.
///
/// A debtor is the unit of planning: pacing (R7–R9) counts across all of a debtor's
/// agreements and channels, and a grouped reminder (R28) speaks for several of them, so no
/// agreement is ever planned without the rest of its debtor's portfolio.
public struct Portfolio: Sendable {
    public var agreements: [Agreement]
    public var events: [Event]
    /// Every job of the debtor, in `not_before` then id order (the order the store reads it in).
    public var history: [ContactRecord]
    /// Each agreement's adjustments, folded in order.
    public var adjustments: [Identifier: Adjustment]
    /// The store's revision of this debtor's records as read: any new input (an event, an
    /// adjustment, an import) moves it, and a plan made on an older revision is not committed.
    public var revision: Int64

    public init(
        agreements: [Agreement], events: [Event], history: [ContactRecord], adjustments: [Identifier: Adjustment] = [:],
        revision: Int64 = 0
    ) {
        self.agreements = agreements
        self.events = events
        self.history = history
        self.adjustments = adjustments
        self.revision = revision
    }

    /// The debtor whose portfolio this is (nil only for an empty one).
    public var debtor: Identifier? { agreements.first?.debtor.id }

    /// Every agreement's state at `now`: its events folded, its adjustment applied.
    public func states(at now: Date) -> [AgreementState] {
        agreements.map { AgreementState(agreement: $0, events: events, adjustment: adjustments[$0.id], now: now) }
    }
}
