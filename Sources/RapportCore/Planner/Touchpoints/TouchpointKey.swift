import Foundation

/// What a touchpoint is about — one installment's reminder, one payment's thanks, the third
/// follow-up on an arrears — as a value, so a key cannot be confused with any other string.
///
/// Every key's shape is made here, and only here. A key is stored with each job and a job's id
/// derives from its key and attempt, so a key must stay the same across re-planning and across
/// versions: change none of these shapes without a migration.
public struct TouchpointKey: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The key as stored and written in job files: `pre_due:A-1:3`.
    public let rawValue: String

    /// A key read back from the store or a job file.
    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// R24: the reminder (`pre_due`, `due_today`) for one installment of one agreement.
    public static func reminder(_ kind: ContactKind, _ agreement: Identifier, _ installment: Identifier)
        -> TouchpointKey
    {
        Self(rawValue: "\(kind.rawValue):\(agreement):\(installment)")
    }

    /// R26: the thank-you for one payment event.
    public static func thanks(_ agreement: Identifier, _ payment: AgreementState.Payment) -> TouchpointKey {
        Self(rawValue: "thanks:\(agreement):\(StableHash.hex(payment.identity).prefix(16))")
    }

    /// R26: the congratulation for the completed plan.
    public static func completed(_ agreement: Identifier) -> TouchpointKey { Self(rawValue: "completed:\(agreement)") }

    /// R26: the progress update due on `day`.
    public static func progress(_ agreement: Identifier, on day: LocalDate) -> TouchpointKey {
        Self(rawValue: "progress:\(agreement):\(day)")
    }

    /// R27: the reminder of one promise.
    public static func promiseReminder(_ agreement: Identifier, _ promise: AgreementState.Promise) -> TouchpointKey {
        Self(rawValue: "promise_reminder:\(agreement):\(StableHash.hex(promise.identity).prefix(16))")
    }

    /// R25: the check-in after `installment` was missed.
    public static func missed(_ agreement: Identifier, _ installment: Identifier) -> TouchpointKey {
        Self(rawValue: "missed:\(agreement):\(installment)")
    }

    /// R25 R10: the `number`-th follow-up on the arrears since `oldest`.
    public static func followUp(_ agreement: Identifier, since oldest: Identifier, number: Int) -> TouchpointKey {
        Self(rawValue: "follow_up:\(agreement):\(oldest):\(number)")
    }

    /// R17: the check-in after one pause.
    public static func pauseCheckIn(_ agreement: Identifier, _ pause: AgreementState.EndedPause) -> TouchpointKey {
        Self(rawValue: "check_in:\(agreement):\(StableHash.hex(pause.identity).prefix(16))")
    }

    /// R12: the one confirmation that collection contact has stopped.
    public static func ceaseConfirmation(_ agreement: Identifier) -> TouchpointKey {
        Self(rawValue: "cease_confirmation:\(agreement)")
    }

    /// R32: the help answer on `channel` for a request on `day` (one a day a channel).
    public static func help(_ agreement: Identifier, _ channel: Channel, on day: LocalDate) -> TouchpointKey {
        Self(rawValue: "help:\(agreement):\(channel.rawValue):\(day)")
    }

    /// R40: the one acknowledgment (`kind`) of what the debtor did: a promise, a dispute, a
    /// hardship or breathing space, a START.
    public static func acknowledgment(_ kind: ContactKind, _ agreement: Identifier, _ request: Event) -> TouchpointKey {
        Self(rawValue: "\(kind.rawValue):\(agreement):\(StableHash.hex(request.identity).prefix(16))")
    }

    /// R40: "we have your message; a person will answer", one a day for the debtor.
    public static func replyAck(_ debtor: Identifier, on day: LocalDate) -> TouchpointKey {
        Self(rawValue: "reply_ack:\(debtor):\(day)")
    }

    /// R40: the welcome of a new plan.
    public static func welcome(_ agreement: Identifier) -> TouchpointKey { Self(rawValue: "welcome:\(agreement)") }

    /// R40: the confirmation of a schedule changed by a re-import at `changedAt`.
    public static func planChanged(_ agreement: Identifier, at changedAt: Date) -> TouchpointKey {
        Self(rawValue: "plan_changed:\(agreement):\(Timestamp.rfc3339(changedAt))")
    }

    /// R31: the one confirmation of an opt-out by a reply.
    public static func optOutConfirmation(_ agreement: Identifier, _ request: Event) -> TouchpointKey {
        Self(rawValue: "opt_out_confirmation:\(agreement):\(StableHash.hex(request.identity).prefix(16))")
    }
}
