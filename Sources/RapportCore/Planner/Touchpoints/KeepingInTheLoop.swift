import Foundation

/// R26 — keep them in the loop: every payment gets a thank-you (the payment that completes the
/// plan is thanked by the congratulation itself), and an on-track debtor who has not heard from
/// us for 30 days gets a short progress update.
extension Planner {
    /// The congratulation for a completed plan and a thank-you for every other payment.
    func paymentAcknowledgements(for state: AgreementState, clock: ZoneClock) -> [Touchpoint] {
        let agreement = state.agreement
        let completing = state.isPaidOff ? state.payments.last : nil
        var wanted: [Touchpoint] = []
        if let completing {
            wanted.append(
                Touchpoint(
                    rule: .keepInTheLoop, key: TouchpointKey.completed(agreement.id), kind: .completed,
                    installment: nil,
                    ideal: completing.at,
                    usefulThrough: clock.localDate(of: completing.at).adding(days: 14),
                    purpose: .completed(amount: completing.amount, currency: agreement.currency)))
        }
        for payment in state.payments where payment != completing {
            wanted.append(
                Touchpoint(
                    rule: .keepInTheLoop, key: TouchpointKey.thanks(agreement.id, payment), kind: .thanks,
                    installment: nil,
                    ideal: payment.at,
                    usefulThrough: clock.localDate(of: payment.at).adding(days: policy.thanksStaleDays),
                    purpose: .thanks(
                        amount: payment.amount, currency: agreement.currency, on: clock.localDate(of: payment.at))))
        }
        return wanted
    }

    /// Updates already planned stay listed (so a waiting one is still wanted), and a new one is
    /// wanted 30 days after the debtor's last contact.
    func progressUpdates(
        for state: AgreementState, history: [ContactRecord], debtorHistory: [ContactRecord], clock: ZoneClock,
        today: LocalDate
    ) -> [Touchpoint] {
        let onTrack = !state.isPaidOff && !state.payments.isEmpty && !state.unpaid.contains(where: { $0.due < today })
        guard onTrack else { return [] }
        var wanted = history.filter { $0.kind == .progress && $0.state.countsAsContact }.map { update in
            Touchpoint(
                rule: .keepInTheLoop, key: update.touchpoint, kind: .progress, installment: state.unpaid.first,
                ideal: update.notBefore,
                usefulThrough: nil, purpose: .progress)
        }
        if let last = debtorHistory.filter(\.state.countsAsContact).map(\.notBefore).max() {
            let day = clock.localDate(of: last).adding(days: 30)
            wanted.append(
                Touchpoint(
                    rule: .keepInTheLoop, key: TouchpointKey.progress(state.agreement.id, on: day), kind: .progress,
                    installment: state.unpaid.first,
                    ideal: clock.instant(of: day, at: opening), usefulThrough: nil, purpose: .progressAfterQuiet))
        }
        return wanted
    }
}
