import Foundation

/// A folder under the system's temporary directory that deletes itself, with everything in it,
/// when the last reference to it goes: a test holds one (directly, or in its fixture) and
/// leaves nothing behind, whether it passes or fails.
///
/// A test process that crashes (a force-unwrap in a test, a rule mutant's trap) or is killed
/// runs no deinitialiser, so each folder's name carries the id of the process that made it,
/// and every new folder first removes those of processes that are gone.
public final class TemporaryFolder: Sendable {
    public let url: URL
    public var path: String { url.path }

    /// Creates `rapport-<prefix>-<pid>-<uuid>/`.
    public init(_ prefix: String) throws {
        let parent = FileManager.default.temporaryDirectory
        Self.removeOrphans(in: parent)
        url = parent.appendingPathComponent("rapport-\(prefix)-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    public func appending(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Removes the folders this class made for processes that no longer run.
    private static func removeOrphans(in parent: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for name in names where name.hasPrefix("rapport-") {
            // rapport-<prefix>-<pid>-<uuid>: the uuid is five dash-separated parts.
            let parts = name.split(separator: "-")
            guard parts.count >= 8, let pid = pid_t(parts[parts.count - 6]), pid > 0 else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
    }
}
