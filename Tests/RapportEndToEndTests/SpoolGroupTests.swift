import Foundation
import RapportSpool
import Testing

/// The contract's spool permissions for real: a delivery tool running as another user, whose
/// only link to the spool is its group, claims, acknowledges and hands a reply back.
@Suite("A delivery tool as another user in the spool's group", .serialized)
struct SpoolGroupTests {
    static let group = "rapport-spool-test"
    static let tool = "rapport-tool-test"

    /// Creates the group and the tool's user (its own primary group, not the spool's).
    static func ids() throws -> (uid: UInt32, gid: UInt32, spoolGroup: UInt32) {
        for command in [
            ["groupadd", "-f", group],
            ["sh", "-c", "id \(tool) >/dev/null 2>&1 || useradd -M -U -s /usr/sbin/nologin \(tool)"],
        ] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command
            try process.run()
            process.waitUntilExit()
        }
        guard let user = getpwnam(tool), let spool = getgrnam(group) else {
            throw Failure("the test user and group could not be created")
        }
        return (user.pointee.pw_uid, user.pointee.pw_gid, spool.pointee.gr_gid)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs `arguments` as the tool, with the spool's group as its only extra group.
    static func asTool(_ arguments: [String], ids: (uid: UInt32, gid: UInt32, spoolGroup: UInt32), in sandbox: Sandbox)
        throws -> Sandbox.Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments =
            ["--reuid=\(ids.uid)", "--regid=\(ids.gid)", "--groups=\(ids.spoolGroup)", "--"] + arguments
        process.currentDirectoryURL = sandbox.root
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Sandbox.Result(
            code: process.terminationStatus, out: String(decoding: output, as: UTF8.self),
            err: String(decoding: errors, as: UTF8.self))
    }

    @Test(
        "claim, ack and an inbound file, each as a different user in the group, with nothing but the contract's modes",
        .enabled(
            if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
            "needs root and setpriv"))
    func otherUser() async throws {
        let ids = try Self.ids()
        let sandbox = try Sandbox(extraConfig: "[cadence]\nspread_minutes = 1\n")
        let config = try String(contentsOfFile: sandbox.config, encoding: .utf8)
            .replacingOccurrences(of: "spool = \"spool\"", with: "spool = \"spool\"\nspool_group = \"\(Self.group)\"")
        try config.write(toFile: sandbox.config, atomically: false, encoding: .utf8)
        let lines = ListeningTests.agreement("A-1")
        #expect(try sandbox.importAgreements([lines]).code == 0)
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let rapportctl = Sandbox.products.appendingPathComponent("rapportctl").path
        // Wait for the job's time: claim only takes jobs whose not_before has come.
        let first = try #require(try sandbox.jobs().first)
        let due = try #require(Spool.notBefore(ofFileName: first))
        try #require(due.timeIntervalSinceNow < 90, "the job goes out within a minute or so")
        if due > Date() { usleep(UInt32(due.timeIntervalSinceNow * 1_000_000) + 500_000) }
        let claimed = try Self.asTool([rapportctl, "spool", "claim", "--spool", sandbox.spool], ids: ids, in: sandbox)
        #expect(claimed.code == 0, "\(claimed.err)")
        let path = claimed.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path.contains("/cur/"))
        let acked = try Self.asTool(
            [rapportctl, "spool", "ack", path, "--status", "delivered", "--spool", sandbox.spool], ids: ids, in: sandbox
        )
        #expect(acked.code == 0, "\(acked.err)")
        #expect(try sandbox.jobs(in: "done").count == 1)
        let inbound = ListeningTests.message(["channel": "sms", "from": "+12145550100", "text": "HELP"])
        let written = try Self.asTool(
            [
                "/bin/sh", "-c",
                """
                printf '%s' \"$0\" > \(sandbox.spool)/in/tmp/h.json && mv \(sandbox.spool)/in/tmp/h.json \
                \(sandbox.spool)/in/20261201T000000Z_sms_h.json
                """,
                inbound,
            ],
            ids: ids, in: sandbox)
        #expect(written.code == 0, "\(written.err)")
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.spool)/in/done").count == 1)
        // Without the group the same user is refused, with one line and the contract's code.
        let outsider = try Self.asTool(
            [rapportctl, "spool", "claim", "--spool", sandbox.spool], ids: (ids.uid, ids.gid, ids.gid), in: sandbox)
        #expect(
            outsider.code == 74 && outsider.err.split(separator: "\n").count == 1
                && outsider.err.hasPrefix("rapportctl: "))
    }
}
