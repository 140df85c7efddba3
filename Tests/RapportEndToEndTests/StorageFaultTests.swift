import Foundation
import GRDB
import RapportEngine
import Testing

/// The database held by another writer: waited out when short, a skipped and retried tick
/// when long, never a crash.
@Suite("Storage faults")
struct StorageFaultTests {
    /// Holds the write lock of the database at `path` for `seconds` on another thread, as an
    /// import or a backup by another process would; returns once the lock is taken.
    static func holdWriteLock(_ path: String, for seconds: Double) throws -> DispatchSemaphore {
        let queue = try DatabaseQueue(path: path)
        let taken = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? queue.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                taken.signal()
                Thread.sleep(forTimeInterval: seconds)
                try db.execute(sql: "COMMIT")
            }
            released.signal()
        }
        taken.wait()
        return released
    }

    @Test("The database locked by another writer for 10 s: the tick waits (busy timeout 15 s) and finishes its work")
    func shortLockIsWaitedOut() async throws {
        let sandbox = try Sandbox()
        let engine = try await sandbox.openEngine()
        _ = try await Importer(store: engine.store).importAgreements(
            Data(CrashSafetyTests.lines(5).utf8), strict: true, at: Date())
        let released = try Self.holdWriteLock(sandbox.database, for: 10)
        let started = Date()
        let report = try await engine.tick(at: Date())
        #expect(Date().timeIntervalSince(started) >= 9, "the tick waited for the lock")
        #expect(report.spooled.count == 5)
        released.wait()
        try SpoolAudit(sandbox: sandbox).problems(finished: true).forEach { Issue.record("\($0)") }
    }

    @Test(
        """
        Locked longer than the busy timeout: the daemon logs one line, skips the tick, keeps running, and the next \
        tick does the work
        """
    )
    func longLockSkipsTheTick() async throws {
        let sandbox = try Sandbox(extraConfig: "[daemon]\ntick_seconds = 1\n")
        let settings = try String(contentsOfFile: sandbox.config, encoding: .utf8)
            .replacingOccurrences(of: "[storage]\n", with: "[storage]\nbusy_timeout_seconds = 1\n")
        try settings.write(toFile: sandbox.config, atomically: false, encoding: .utf8)
        let input = try sandbox.file("agreements.jsonl", CrashSafetyTests.lines(5))
        let listener = try ServiceTests.Listener()

        // At start: the daemon waits for the database instead of exiting.
        var released = try Self.holdWriteLock(sandbox.database, for: 3)
        let daemon = try sandbox.start("rapportd", [], environment: ["NOTIFY_SOCKET": listener.path])
        usleep(1_500_000)
        #expect(daemon.isRunning, "a locked database at start is waited for")
        released.wait()
        let ready = listener.collect(for: 10) { $0.contains { $0.hasPrefix("STATUS=tick") } }
        #expect(ready.contains { $0.hasPrefix("READY=1") }, "\(ready)")

        // Running: the tick is skipped with one line, the daemon keeps going.
        released = try Self.holdWriteLock(sandbox.database, for: 4)
        let skipped = listener.collect(for: 6) { $0.contains { $0.hasPrefix("STATUS=tick skipped") } }
        #expect(skipped.contains { $0.hasPrefix("STATUS=tick skipped") && $0.contains("locked") }, "\(skipped)")
        #expect(daemon.isRunning)
        released.wait()
        #expect(try sandbox.run("rapportctl", ["import", "agreements", input]).code == 0)
        let recovered = listener.collect(for: 6) {
            $0.contains { $0.hasPrefix("STATUS=tick ") && $0.contains("5 spooled") }
        }
        #expect(recovered.contains { $0.contains("5 spooled") }, "\(recovered)")
        daemon.terminate()
        let err = String(
            decoding: (daemon.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(),
            as: UTF8.self)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        let lines = err.split(separator: "\n").filter { $0.contains("tick skipped") }
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("is locked by another process") }, "\(err)")
        #expect(err.contains("retrying in 5 s"))
        #expect(try sandbox.jobs().count == 5)
        try SpoolAudit(sandbox: sandbox).problems(finished: true).forEach { Issue.record("\($0)") }
    }
}

/// A real full disk: the spool on a tiny tmpfs, where the machine lets the tests mount one
/// (root on Linux); the syscall seam covers the same path everywhere (`CrashSafetyTests.diskFull`).
@Suite("Full disk", .serialized)
struct FullDiskTests {
    @discardableResult
    static func mount(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static let canMount: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-mount-\(UUID().uuidString)")
            .path
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]) else { return false }
        _ = umount2(probe, 0)
        return true
    }()

    @Test(
        """
        The spool's disk full: the daemon logs one clear line per skipped tick, marks nothing written that is not on \
        disk, keeps running, and spools everything once space returns
        """,
        .enabled(if: canMount, "needs root and tmpfs"))
    func fullSpoolDisk() async throws {
        let sandbox = try Sandbox(extraConfig: "[daemon]\ntick_seconds = 1\n")
        try FileManager.default.createDirectory(atPath: sandbox.spool, withIntermediateDirectories: true)
        #expect(Self.mount(["-t", "tmpfs", "-o", "size=128k", "tmpfs", sandbox.spool]))
        defer { _ = umount2(sandbox.spool, Int32(MNT_DETACH)) }
        let input = try sandbox.file("agreements.jsonl", CrashSafetyTests.lines(120))
        #expect(try sandbox.run("rapportctl", ["import", "agreements", input]).code == 0)

        let listener = try ServiceTests.Listener()
        let daemon = try sandbox.start("rapportd", [], environment: ["NOTIFY_SOCKET": listener.path])
        let skipped = listener.collect(for: 8) { $0.filter { $0.hasPrefix("STATUS=tick skipped") }.count >= 2 }
        #expect(
            skipped.filter { $0.hasPrefix("STATUS=tick skipped") && $0.contains("the disk is full") }.count >= 2,
            "\(skipped)")
        #expect(daemon.isRunning)
        // Nothing is marked that is not complete in new/.
        try SpoolAudit(sandbox: sandbox).problems(finished: false).forEach { Issue.record("\($0)") }
        #expect(try sandbox.jobs().count < 120)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.spool)/tmp").isEmpty,
            "no staging file is left behind")

        #expect(Self.mount(["-o", "remount,size=16m", sandbox.spool]))
        let recovered = listener.collect(for: 8) {
            $0.contains { $0.hasPrefix("STATUS=tick ") && !$0.hasPrefix("STATUS=tick skipped") }
        }
        #expect(
            recovered.contains { $0.hasPrefix("STATUS=tick ") && !$0.hasPrefix("STATUS=tick skipped") }, "\(recovered)")
        daemon.terminate()
        let err = String(
            decoding: (daemon.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(),
            as: UTF8.self)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        let lines = err.split(separator: "\n").filter { $0.contains("tick skipped") }
        #expect(
            !lines.isEmpty && lines.allSatisfy { $0.contains("the disk is full") && $0.contains(sandbox.spool) },
            "\(err)")
        #expect(try sandbox.jobs().count == 120)
        try SpoolAudit(sandbox: sandbox).problems(finished: true).forEach { Issue.record("\($0)") }
    }
}
