/// Who the messages come from (R20, R22, R23): the business, how to reach a person, and
/// whether it collects debts (R22's disclosure). A domain value, so the message templates need
/// nothing from the configuration module to say who is writing.
public struct Sender: Sendable, Equatable {
    public var businessName = "Your lender"
    public var phone = ""
    /// A person the debtor can ask for.
    public var contactPerson = "Customer Care"
    public var helpURL = ""
    /// R22: when true, every message carries the collector disclosure line.
    public var debtCollector = false
    public var disclosure = "This communication is from a debt collector."

    public init() {}
}
