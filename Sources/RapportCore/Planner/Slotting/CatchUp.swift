import Foundation

/// R29 — catch-up: after downtime (or when pacing pushes a message far out), what is still
/// useful is sent at the next allowed time; what is not — a reminder for a date already past,
/// a thank-you weeks late — is dropped and the drop recorded, never sent late in a burst.
extension Planner {
    /// Why a touchpoint whose earliest allowed time is `slot` is no longer worth sending, or nil.
    func staleness(of touchpoint: Touchpoint, at slot: Slot, clock: ZoneClock) -> String? {
        guard let through = touchpoint.usefulThrough, clock.localDate(of: slot.notBefore) > through else { return nil }
        return "R29: stale, the earliest allowed time \(clock.rfc3339(slot.notBefore)) is after \(through)"
    }
}
