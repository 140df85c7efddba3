import GRDB

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
    static func unreadable(_ table: String, _ row: String, _ why: String) -> StoreError {
        StoreError(
            .unusable,
            "\(table) row \(row) cannot be read (\(why)); was it written by a newer Rapport? Fix or restore the row")
    }

    /// Maps a GRDB/SQLite error on `path` to a `StoreError`.
    static func from(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return StoreError(
                    .locked, "database \(path) is locked by another process; try again, or stop the other writer")
            case .SQLITE_FULL:
                return StoreError(.unusable, "database \(path): the disk is full; free space and try again")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
                return StoreError(
                    .unusable, "database \(path) cannot be opened for writing: check its owner and permissions")
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return StoreError(.unusable, "database \(path) is not a Rapport database or is damaged")
            default:
                return StoreError(.unusable, "database \(path): \(error.message ?? "\(error.resultCode)")")
            }
        }
        return StoreError(.unusable, "database \(path): \(error)")
    }
}
