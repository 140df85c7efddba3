#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import CRapportSystem

/// A failed system call, with the call, the path and the errno, mapped to what an operator
/// can act on.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the failure means for the caller.
    public enum Kind: Sendable, Equatable {
        case notFound, alreadyExists, permissionDenied, noSpace, other
    }

    public let call: String
    public let path: String
    public let errno: Int32

    public var kind: Kind {
        switch errno {
        case ENOENT: .notFound
        case EEXIST: .alreadyExists
        case EACCES, EPERM, EROFS: .permissionDenied
        case ENOSPC, EDQUOT: .noSpace
        default: .other
        }
    }

    public var description: String {
        "\(call) \(path): \(String(cString: strerror(errno)))"
    }
}

/// The few system calls the spool makes, each retried on `EINTR` and turned into a
/// `SystemError` on failure, in the manner of swift-nio's `System.swift`. Keeping them in one
/// place is what makes the durability order (write, fsync, rename, fsync dir) auditable.
enum SystemCalls {
    private static func retrying<T>(_ call: String, _ path: String, _ body: () -> T, failed: (T) -> Bool)
        throws(SystemError) -> T
    {
        while true {
            let result = body()
            if !failed(result) { return result }
            let code = errno
            if code == EINTR { continue }
            throw SystemError(call: call, path: path, errno: code)
        }
    }

    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) throws(SystemError) -> Int32 {
        try retrying("open", path, { Glibc.open(path, flags | O_CLOEXEC, mode) }, failed: { $0 < 0 })
    }

    static func close(_ fd: Int32, _ path: String) throws(SystemError) {
        // close is not retried on EINTR: on Linux the descriptor is gone either way.
        if Glibc.close(fd) != 0, errno != EINTR { throw SystemError(call: "close", path: path, errno: errno) }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemError(call: "write", path: path, errno: errno)
            }
            offset += written
        }
    }

    static func fsync(_ fd: Int32, _ path: String) throws(SystemError) {
        _ = try retrying("fsync", path, { Glibc.fsync(fd) }, failed: { $0 != 0 })
    }

    static func fchmod(_ fd: Int32, _ mode: mode_t, _ path: String) throws(SystemError) {
        _ = try retrying("fchmod", path, { Glibc.fchmod(fd, mode) }, failed: { $0 != 0 })
    }

    static func fchown(_ fd: Int32, _ owner: uid_t, _ group: gid_t, _ path: String) throws(SystemError) {
        _ = try retrying("fchown", path, { Glibc.fchown(fd, owner, group) }, failed: { $0 != 0 })
    }

    static func rename(_ from: String, _ to: String) throws(SystemError) {
        _ = try retrying("rename", from + " → " + to, { Glibc.rename(from, to) }, failed: { $0 != 0 })
    }

    static func unlink(_ path: String) throws(SystemError) {
        _ = try retrying("unlink", path, { Glibc.unlink(path) }, failed: { $0 != 0 })
    }

    static func mkdir(_ path: String, _ mode: mode_t) throws(SystemError) {
        _ = try retrying("mkdir", path, { Glibc.mkdir(path, mode) }, failed: { $0 != 0 })
    }

    static func chmod(_ path: String, _ mode: mode_t) throws(SystemError) {
        _ = try retrying("chmod", path, { Glibc.chmod(path, mode) }, failed: { $0 != 0 })
    }

    static func chown(_ path: String, _ owner: uid_t, _ group: gid_t) throws(SystemError) {
        _ = try retrying("chown", path, { Glibc.chown(path, owner, group) }, failed: { $0 != 0 })
    }

    /// The file's status, or nil when it does not exist.
    static func lstat(_ path: String) throws(SystemError) -> stat? {
        var info = stat()
        while Glibc.lstat(path, &info) != 0 {
            if errno == EINTR { continue }
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw SystemError(call: "lstat", path: path, errno: errno)
        }
        return info
    }

    /// The bytes an unprivileged writer may still put on the file system holding `path`.
    static func availableBytes(_ path: String) throws(SystemError) -> UInt64 {
        var info = statvfs()
        _ = try retrying("statvfs", path, { statvfs(path, &info) }, failed: { $0 != 0 })
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// The names in a directory (without `.` and `..`).
    static func listDirectory(_ path: String) throws(SystemError) -> [String] {
        guard let dir = opendir(path) else { throw SystemError(call: "opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Flushes every written file of the filesystem holding `path` to disk with one call: how
    /// a batch of job files becomes durable without one fsync each.
    static func syncFilesystem(_ path: String) throws(SystemError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { try? close(fd, path) }
        _ = try retrying("syncfs", path, { rapport_syncfs(fd) }, failed: { $0 != 0 })
    }

    /// Flushes a directory's entries (the renames into it) to disk.
    static func fsyncDirectory(_ path: String) throws(SystemError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { try? close(fd, path) }
        try fsync(fd, path)
    }

    static func readFile(_ path: String, limit: Int = 1 << 20) throws(SystemError) -> [UInt8] {
        let fd = try open(path, O_RDONLY | O_NOFOLLOW)
        defer { try? close(fd, path) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { buffer in Glibc.read(fd, buffer.baseAddress!, buffer.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError(call: "read", path: path, errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    static var effectiveUserID: uid_t { geteuid() }

    /// Creates `path` holding `bytes` with `mode` (and `group`, or `owner` and `group`), fsynced
    /// and closed: the first half of every durable write. On any failure the partial file is
    /// removed, so a caller never leaves half a file behind.
    /// - Parameter exclusive: fail if `path` exists instead of truncating it.
    static func createDurably(
        _ path: String, _ bytes: [UInt8], mode: mode_t, owner: uid_t = uid_t.max, group: gid_t?, exclusive: Bool,
        sync: Bool = true
    ) throws(SystemError) {
        let fd = try open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | (exclusive ? O_EXCL : O_TRUNC), mode)
        do {
            try fchmod(fd, mode, path)
            if owner != uid_t.max || group != nil { try fchown(fd, owner, group ?? gid_t.max, path) }
            try writeAll(fd, bytes, path)
            if sync { try fsync(fd, path) }
            try close(fd, path)
        } catch {
            try? close(fd, path)
            try? unlink(path)
            throw error
        }
    }
}
