import Foundation

/// A folder under the system's temporary directory that deletes itself, with everything in it,
/// when the last reference to it goes: a test holds one (directly, or in its fixture) and
/// leaves nothing behind, whether it passes or fails.
public final class TemporaryFolder: Sendable {
    public let url: URL
    public var path: String { url.path }

    /// Creates `rapport-<prefix>-<uuid>/`.
    public init(_ prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    public func appending(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
