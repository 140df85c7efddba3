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
    func shortLockIsWaitedOut() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.openEngine()
        _ = try Importer(store: engine.store).importAgreements(Data(CrashSafetyTests.lines(5).utf8), strict: true, at: Date())
        let released = try Self.holdWriteLock(sandbox.database, for: 10)
        let started = Date()
        let report = try engine.tick(at: Date())
        #expect(Date().timeIntervalSince(started) >= 9, "the tick waited for the lock")
        #expect(report.spooled.count == 5)
        released.wait()
        try SpoolAudit(sandbox: sandbox).problems(finished: true).forEach { Issue.record("\($0)") }
    }

    @Test("Locked longer than the busy timeout: the daemon logs one line, skips the tick, keeps running, and the next tick does the work")
    func longLockSkipsTheTick() throws {
        let sandbox = try Sandbox(extraConfig: "[daemon]\ntick_seconds = 1\n")
        let settings = try String(contentsOfFile: sandbox.config, encoding: .utf8)
            .replacingOccurrences(of: "[storage]\n", with: "[storage]\nbusy_timeout_seconds = 1\n")
        try settings.write(toFile: sandbox.config, atomically: true, encoding: .utf8)
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
        let recovered = listener.collect(for: 6) { $0.contains { $0.hasPrefix("STATUS=tick ") && $0.contains("5 spooled") } }
        #expect(recovered.contains { $0.contains("5 spooled") }, "\(recovered)")
        daemon.terminate()
        let err = String(decoding: (daemon.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        let lines = err.split(separator: "\n").filter { $0.contains("tick skipped") }
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("is locked by another process") }, "\(err)")
        #expect(err.contains("retrying in 5 s"))
        #expect(try sandbox.jobs().count == 5)
        try SpoolAudit(sandbox: sandbox).problems(finished: true).forEach { Issue.record("\($0)") }
    }
}
