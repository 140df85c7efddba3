/// One value of a row copied from one store into another: how a server store's records reach
/// the embedded SQLite copy `simulate` runs on, without either store knowing the other's driver.
/// Instants travel as unix seconds and flags as 0 or 1, the embedded store's own forms.
public enum CopiedValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}
