import Foundation
import Testing

/// What root leaves behind must stay usable by the daemon's user.
@Suite("Ownership")
struct OwnershipTests {
    static let owner: uid_t = 4242
    static let group: gid_t = 4343

    /// Every file and folder under `path` with its owner, group and mode.
    func entries(under path: String) throws -> [(path: String, info: stat)] {
        var result: [(String, stat)] = []
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let relative = enumerator?.nextObject() as? String {
            var info = stat()
            if lstat("\(path)/\(relative)", &info) == 0 { result.append((relative, info)) }
        }
        return result
    }

    @Test(
        """
        Run as root, rapportctl and rapportd --once give what they create in the spool and database folders the \
        spool's and folder's owner and group, with the contract's modes
        """,
        .enabled(if: geteuid() == 0, "only root can create files for another owner"))
    func rootLeavesFilesToTheDaemon() async throws {
        let sandbox = try Sandbox()
        let db = sandbox.root.appendingPathComponent("db").path
        try FileManager.default.createDirectory(atPath: sandbox.spool, withIntermediateDirectories: true)
        for folder in [db, sandbox.spool] { #expect(chown(folder, Self.owner, Self.group) == 0) }
        let input = try sandbox.file("a.jsonl", CrashSafetyTests.lines(4))
        #expect(try sandbox.run("rapportctl", ["import", "agreements", input]).code == 0)
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        // A delivery tool's claim, then rapportctl's acknowledgement, which writes a result file.
        let name = try #require(try sandbox.jobs().first)
        #expect(rename("\(sandbox.spool)/new/\(name)", "\(sandbox.spool)/cur/\(name)") == 0)
        #expect(
            try sandbox.run(
                "rapportctl", ["spool", "ack", name, "--status", "delivered", "--spool", sandbox.spool],
                withConfig: false
            ).code == 0)
        #expect(try sandbox.run("rapportctl", ["record", "A-1", "pause", "--reason", "asked"]).code == 0)

        let created = try entries(under: db) + entries(under: sandbox.spool)
        #expect(created.count > 10)
        for (path, info) in created {
            #expect(info.st_uid == Self.owner && info.st_gid == Self.group, "\(path) is \(info.st_uid):\(info.st_gid)")
        }
        for (path, info) in try entries(under: sandbox.spool) {
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            let shared = ["new", "cur", "done", "failed", "in", "in/tmp"].contains(path)
            let expected: mode_t = isDirectory ? (shared ? 0o2770 : 0o750) : 0o640
            #expect(info.st_mode & 0o7777 == expected, "\(path) has mode \(String(info.st_mode & 0o7777, radix: 8))")
        }
    }
}
