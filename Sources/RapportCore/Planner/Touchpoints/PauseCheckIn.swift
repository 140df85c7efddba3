import Foundation

/// R17 — pause: once an operator pause is lifted (by a resume, or when its last day has
/// passed), a gentle check-in comes before anything else. The pause itself is a stop
/// (`Stops.swift`).
extension Planner {
    func pauseCheckIn(for state: AgreementState, clock: ZoneClock, today: LocalDate) -> [Touchpoint] {
        guard let pause = state.endedPause, !state.isPaidOff, !state.agreement.installments.isEmpty,
            let ended = pause.endedAt ?? pause.lastDay.map({ clock.instant(of: $0.adding(days: 1), at: .midnight) }),
            clock.localDate(of: ended) <= today
        else { return [] }
        return [
            Touchpoint(
                rule: .pause, key: TouchpointKey.pauseCheckIn(state.agreement.id, pause), kind: .checkIn,
                installment: state.unpaid.first, ideal: ended,
                usefulThrough: clock.localDate(of: ended).adding(days: 14),
                purpose: .pauseCheckIn)
        ]
    }
}
