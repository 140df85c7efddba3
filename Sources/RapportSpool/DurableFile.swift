#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Replacing a whole small file so that readers see the old or the new content, never a
/// mix: write a temporary sibling, fsync it, rename it over the file, fsync the folder.
public enum DurableFile {
    /// Replaces the file at `path` with `data`.
    public static func replace(_ path: String, with data: Data, mode: mode_t) throws(SystemError) {
        let folder = (path as NSString).deletingLastPathComponent
        let staging = "\(folder)/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = try SystemCalls.open(staging, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode)
        do {
            try SystemCalls.fchmod(fd, mode, staging)
            try SystemCalls.writeAll(fd, Array(data), staging)
            try SystemCalls.fsync(fd, staging)
            try SystemCalls.close(fd, staging)
            try SystemCalls.rename(staging, path)
        } catch {
            try? SystemCalls.close(fd, staging)
            try? SystemCalls.unlink(staging)
            throw error
        }
        try SystemCalls.fsyncDirectory(folder.isEmpty ? "." : folder)
    }
}
