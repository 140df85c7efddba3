/// Why the database could not be used, in terms an operator can act on.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, which decides the exit code.
    public enum Kind: Sendable, Equatable {
        /// The database's folder does not exist (the daemon never creates it: systemd's
        /// `StateDirectory=` or the operator does).
        case missingFolder
        /// The database file does not exist and this program may not create it: only an import
        /// and the daemon create a database, so a mistyped path never leaves an empty one.
        case missingDatabase
        /// Another process held the write lock for longer than the busy timeout.
        case locked
        /// The file could not be opened, read or written (permissions, disk full, corruption).
        case unusable
        /// A database server did not answer (down, unreachable, or gone mid-transaction).
        case unreachable
        /// A database server refused who we are (a wrong password, a role without rights).
        case permissionDenied
        /// What the operator's setup must fix: a schema missing, older or newer than this
        /// program (`rapportctl migrate`), a database URL or TLS setting that cannot work.
        case configuration
        /// A cluster node's write refused by the partition fence: another node took a
        /// partition of the batch (its epoch moved), so nothing of the batch was written.
        case fenced
        /// The schema's R8 backstop refused a batch (a second live contact on a debtor's local
        /// day, or two within 48 hours) that the planner and the fence let through: a bug to
        /// report; nothing of the batch was written.
        case backstop
    }

    public let kind: Kind
    public let message: String

    public var description: String { message }

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A stored row this program cannot read: an error that names the table and the row, never
    /// a row skipped, since pacing (R7–R9) is judged from the whole history.
    public static func unreadable(_ table: String, _ row: String, _ why: String) -> StoreError {
        StoreError(
            .unusable,
            "\(table) row \(row) cannot be read (\(why)); was it written by a newer Rapport? Fix or restore the row")
    }
}
