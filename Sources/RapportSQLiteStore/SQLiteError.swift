import GRDB
import RapportStorage

extension StoreError {
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
