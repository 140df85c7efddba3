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
        try SystemCalls.createDurably(staging, Array(data), mode: mode, group: nil, exclusive: false)
        do {
            try SystemCalls.rename(staging, path)
        } catch {
            try? SystemCalls.unlink(staging)
            throw error
        }
        try SystemCalls.fsyncDirectory(folder.isEmpty ? "." : folder)
    }
}
