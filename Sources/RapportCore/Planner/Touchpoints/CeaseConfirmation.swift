import Foundation

/// R12 — cease: after a cease-communication notice, nothing but one confirmation that
/// collection contact has stopped, useful for 14 days.
extension Planner {
    func ceaseConfirmation(for state: AgreementState, clock: ZoneClock) -> [Touchpoint] {
        guard let ceased = state.ceasedAt else { return [] }
        return [
            Touchpoint(
                rule: .cease, key: TouchpointKey.ceaseConfirmation(state.agreement.id), kind: .ceaseConfirmation,
                installment: nil,
                ideal: ceased, usefulThrough: clock.localDate(of: ceased).adding(days: 14), purpose: .ceaseConfirmation)
        ]
    }
}
