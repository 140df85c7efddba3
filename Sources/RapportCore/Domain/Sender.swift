/// Who the messages come from (R20, R22, R23, R39): the business, how to pay, how to reach a
/// person and when, and whether it collects debts (R22's disclosure). A domain value, so the
/// message templates need nothing from the configuration module to say who is writing.
public struct Sender: Sendable, Equatable {
    public var businessName = "Your lender"
    public var phone = ""
    /// When a person answers the phone, in words ("Monday to Friday, 9 a.m. to 6 p.m. Central").
    public var phoneHours = ""
    /// The same hours for Spanish messages; empty: the English ones.
    public var phoneHoursSpanish = ""
    /// A natural person the debtor can ask for (R23: a call script names a person, not a
    /// department).
    public var contactPerson = "Customer Care"
    /// The person Spanish speakers ask for; empty: `contactPerson`.
    public var contactPersonSpanish = ""
    public var helpURL = ""
    /// Where the debtor pays online (R39).
    public var payURL = ""
    /// How to pay otherwise, in one sentence (R39), e.g. a bank transfer's details.
    public var payInstructions = ""
    /// The same in Spanish; empty: the English sentence.
    public var payInstructionsSpanish = ""
    /// The working days within which a person answers a message (R40's "we have your message").
    public var answerWithinDays = 2
    /// R22: when true, every message carries the collector disclosure line.
    public var debtCollector = false
    /// R22: the short disclosure for every later message.
    public var disclosure = "This communication is from a debt collector."
    /// R22: the short disclosure as an SMS says it, where every character is billed.
    public var smsDisclosure = "From a debt collector."
    /// R22: the full disclosure for the first written message to a debtor.
    public var initialDisclosure =
        "This is a communication from a debt collector. This is an attempt to collect a debt and any information "
        + "obtained will be used for that purpose."

    public init() {}

    /// Whether a debtor is told how to pay (R39): a `[sender]` without either is reported by
    /// `check-config`.
    public var saysHowToPay: Bool { !payURL.isEmpty || !payInstructions.isEmpty }
}
