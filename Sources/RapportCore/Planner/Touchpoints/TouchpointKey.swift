import Foundation

/// Every touchpoint key's shape, in one place. A key is stored with each job and a job's id
/// derives from its key and attempt, so a key must stay the same across re-planning and across
/// versions: change none of these shapes without a migration.
public enum TouchpointKey {
    /// R24: the reminder (`pre_due`, `due_today`) for one installment of one agreement.
    public static func reminder(_ kind: ContactKind, _ agreement: Identifier, _ installment: Identifier) -> String {
        "\(kind.rawValue):\(agreement):\(installment)"
    }

    /// R26: the thank-you for one payment event.
    static func thanks(_ agreement: Identifier, _ payment: AgreementState.Payment) -> String {
        "thanks:\(agreement):\(StableHash.hex(payment.identity).prefix(16))"
    }

    /// R26: the congratulation for the completed plan.
    static func completed(_ agreement: Identifier) -> String { "completed:\(agreement)" }

    /// R26: the progress update due on `day`.
    static func progress(_ agreement: Identifier, on day: LocalDate) -> String { "progress:\(agreement):\(day)" }

    /// R27: the reminder of one promise.
    static func promiseReminder(_ agreement: Identifier, _ promise: AgreementState.Promise) -> String {
        "promise_reminder:\(agreement):\(StableHash.hex(promise.identity).prefix(16))"
    }

    /// R25: the check-in after `installment` was missed.
    static func missed(_ agreement: Identifier, _ installment: Identifier) -> String {
        "missed:\(agreement):\(installment)"
    }

    /// R25 R10: the `number`-th follow-up on the arrears since `oldest`.
    static func followUp(_ agreement: Identifier, since oldest: Identifier, number: Int) -> String {
        "follow_up:\(agreement):\(oldest):\(number)"
    }

    /// R17: the check-in after one pause.
    static func pauseCheckIn(_ agreement: Identifier, _ pause: AgreementState.EndedPause) -> String {
        "check_in:\(agreement):\(StableHash.hex(pause.identity).prefix(16))"
    }

    /// R12: the one confirmation that collection contact has stopped.
    static func ceaseConfirmation(_ agreement: Identifier) -> String { "cease_confirmation:\(agreement)" }

    /// R32: the help answer on `channel` for a request on `day` (one a day a channel).
    static func help(_ agreement: Identifier, _ channel: Channel, on day: LocalDate) -> String {
        "help:\(agreement):\(channel.rawValue):\(day)"
    }

    /// R31: the one confirmation of an opt-out by a reply.
    static func optOutConfirmation(_ agreement: Identifier, _ request: Event) -> String {
        "opt_out_confirmation:\(agreement):\(StableHash.hex(request.identity).prefix(16))"
    }
}
