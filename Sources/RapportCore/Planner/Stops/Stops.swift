import Foundation

/// R12–R17 — who must not be contacted: cease (R12), attorney (R13), dispute (R14),
/// bankruptcy, breathing space, hardship and death (R15), channel opt-outs (R16, in
/// `Channels/`) and operator pauses (R17). `AgreementState` folds the events into stops; this
/// stage says what each stop forbids and until when.
extension Planner {
    /// Whether `stop` forbids `touchpoint`: a cease notice still allows its one confirmation,
    /// collection stops allow thank-yous, everything else stops it.
    func blocks(_ stop: AgreementState.Stop, _ touchpoint: Touchpoint) -> Bool {
        if touchpoint.kind == .ceaseConfirmation, stop.rule == .cease { return false }
        return stop.blocksEverything || touchpoint.kind.isCollection
    }

    /// What the stops do to `touchpoint`: forbid it for good, or hold it through a last day.
    enum StopVerdict {
        case free
        case forbidden(AgreementState.Stop)
        case heldThrough(LocalDate, by: [Rule])
    }

    func stopVerdict(for touchpoint: Touchpoint, _ state: AgreementState) -> StopVerdict {
        let stopping = state.stops.filter { blocks($0, touchpoint) }
        if let forever = stopping.first(where: { $0.through == nil }) { return .forbidden(forever) }
        guard let lastDay = stopping.compactMap(\.through).max() else { return .free }
        return .heldThrough(lastDay, by: stopping.map(\.rule))
    }
}
