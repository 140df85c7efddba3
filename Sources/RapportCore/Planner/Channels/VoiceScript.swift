import Foundation

/// R23 — voice only to collect: a call task's script is limited to asking for a call back
/// about the account, so only reminders, check-ins, follow-ups and promise reminders may be
/// calls. Nobody is asked to call back to be thanked, congratulated or told that contact has
/// stopped; without a written channel such a message is skipped, and the skip recorded.
extension Planner {
    /// The channels of `usable` that may carry a message of `kind`.
    func channels(for kind: ContactKind, among usable: [Channel]) -> [Channel] {
        kind.mayUseVoice ? usable : usable.filter { $0 != .voice }
    }

    /// Why a message of `kind` is skipped when only a call was usable.
    func notACall(_ kind: ContactKind) -> String {
        "R23: \(kind.rawValue) may not be a call, and no written channel is usable"
    }
}
