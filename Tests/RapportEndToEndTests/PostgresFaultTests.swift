import Foundation
import RapportTestSupport
import Testing

/// The server store's faults, through the built programs against a real PostgreSQL: a refused
/// password, a server that is down, a role without DDL, connections cut mid-tick and mid-import,
/// and the server restarted under a running daemon. Each ends in one line, the contract's exit
/// code, and nothing lost or done twice.
@Suite("PostgreSQL faults", .serialized)
struct PostgresFaultTests {
    /// Cuts every client connection to the sandbox's database but psql's own (not the server's
    /// own workers, an autovacuum say, which only a superuser may end).
    /// Terminates the sandbox's client connections (with `waitingOnALock`, only those waiting
    /// on a lock). - Returns: how many.
    static func terminateBackends(_ sandbox: Sandbox, waitingOnALock: Bool = false) throws -> Int {
        let database = try #require(sandbox.server)
        return try TestPostgres.psql(
            """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = '\(database.name)' AND pid <> pg_backend_pid() AND backend_type = 'client backend'
              AND usename = current_user \(waitingOnALock ? "AND wait_event_type = 'Lock'" : "")
            """
        ).first.flatMap { Int($0) } ?? 0
    }

    @Test("A refused password: one line and exit 77 from every program; the password is in no output")
    func wrongPassword() async throws {
        let sandbox = try Sandbox(store: .postgres)
        let wrong = try sandbox.file("wrong-password", "s3cret-never-shown\n")
        let status = try sandbox.run("rapportctl", ["status", "--password-file", wrong])
        #expect(status.code == 77, "\(status.err)")
        #expect(status.err.split(separator: "\n").count == 1 && status.err.contains("refused user rapport_admin"))
        #expect(!status.err.contains("s3cret") && !status.out.contains("s3cret"))
        let config = try String(contentsOfFile: sandbox.config, encoding: .utf8)
            .replacingOccurrences(of: try #require(sandbox.server).passwordFile, with: wrong)
        try config.write(toFile: sandbox.config, atomically: false, encoding: .utf8)
        let daemon = try sandbox.run("rapportd", ["--once"])
        #expect(daemon.code == 77, "\(daemon.err)")
        #expect(!daemon.err.contains("s3cret"))
    }

    @Test("Server down at start: one line and exit 69 at once, or after [storage] connect_wait_seconds")
    func serverDown() async throws {
        let sandbox = try Sandbox(store: .postgres)
        let nowhere = "postgres://rapport_admin@127.0.0.1:1/nowhere?sslmode=disable"
        let at = Date()
        let refused = try sandbox.run("rapportctl", ["status", "--database", nowhere])
        #expect(refused.code == 69 && refused.err.split(separator: "\n").count == 1, "\(refused.err)")
        #expect(refused.err.contains("is not answering") && Date().timeIntervalSince(at) < 30)
        let config = try String(contentsOfFile: sandbox.config, encoding: .utf8)
            .replacingOccurrences(of: "[storage]\n", with: "[storage]\nconnect_wait_seconds = 3\n")
        try config.write(toFile: sandbox.config, atomically: false, encoding: .utf8)
        let started = Date()
        let waited = try sandbox.run("rapportd", ["--once", "--database", nowhere])
        #expect(waited.code == 69, "\(waited.err)")
        #expect(Date().timeIntervalSince(started) >= 2.5, "it waited for the server")
        #expect(waited.err.split(separator: "\n").filter { $0.hasPrefix("rapportd:") }.count == 1, "\(waited.err)")
    }

    @Test("Least privilege: the daemon's role (config/postgresql-grants.sql) imports and ticks, and cannot migrate")
    func leastPrivilege() async throws {
        let sandbox = try Sandbox(store: .postgres)
        let database = try #require(sandbox.server)
        let grants = Sandbox.repository.appendingPathComponent("config/postgresql-grants.sql").path
        let sql = try String(contentsOfFile: grants, encoding: .utf8)
            .replacingOccurrences(of: ":\"DBNAME\"", with: database.name)
            .replacingOccurrences(of: ":\"daemon\"", with: "rapport_daemon")
        try database.psql(sql)
        let daemonPassword = try #require(TestPostgres.daemonPasswordFile)
        let url = database.url.replacingOccurrences(of: "rapport_admin@", with: "rapport_daemon@")
        let asDaemon = ["--database", url, "--password-file", daemonPassword]
        let input = try sandbox.file("agreements.jsonl", CrashSafetyTests.lines(20))
        let imported = try sandbox.run("rapportctl", ["import", "agreements", input] + asDaemon)
        #expect(imported.code == 0, "\(imported.err)")
        let ticked = try sandbox.run("rapportd", ["--once"] + asDaemon)
        #expect(ticked.code == 0, "\(ticked.err)")
        #expect(try sandbox.jobs().count == 20)
        #expect(try sandbox.run("rapportctl", ["status"] + asDaemon).code == 0)
        // A schema to create (a new database, or one a new Rapport must upgrade): only the owner may.
        try database.psql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        try database.psql(sql)
        let migrate = try sandbox.run("rapportctl", ["migrate"] + asDaemon)
        #expect(migrate.code == 77, "\(migrate.err)")
        #expect(migrate.err.contains("lacks a right"), "\(migrate.err)")
        #expect(try sandbox.run("rapportctl", ["migrate"]).code == 0)
        #expect(try sandbox.run("rapportctl", ["status"] + asDaemon).code == 0, "the owner's new tables are granted")
    }

    @Test("pg_terminate_backend mid-tick: that tick fails with one line, the next recovers, nothing twice")
    func connectionsCutMidTick() async throws {
        let sandbox = try Sandbox(store: .postgres, extraConfig: "[daemon]\ntick_seconds = 1\nbatch_size = 50\n")
        let input = try sandbox.file("agreements.jsonl", CrashSafetyTests.lines(1500))
        #expect(try sandbox.run("rapportctl", ["import", "agreements", input]).code == 0)
        let listener = try ServiceTests.Listener()
        let daemon = try sandbox.start("rapportd", [], environment: ["NOTIFY_SOCKET": listener.path])
        // Started first: a cut while it opens the database ends the start (69, and systemd
        // restarts it); this test is about cuts in the middle of a tick.
        var seen = listener.collect(for: 60) { $0.contains { $0.contains("READY=1") } }
        // Cut its connections again and again until a cut lands inside a transaction and a tick
        // fails (a cut between two transactions only costs the pool a reconnection).
        let deadline = Date().addingTimeInterval(90)
        while !seen.contains(where: { $0.hasPrefix("STATUS=tick skipped") }), Date() < deadline {
            _ = try Self.terminateBackends(sandbox)
            seen += listener.collect(for: 0.1)
        }
        #expect(seen.contains { $0.hasPrefix("STATUS=tick skipped") }, "a tick failed: \(seen)")
        let recovered = listener.collect(for: 120) { lines in
            lines.contains { $0.hasPrefix("STATUS=tick ") && !$0.hasPrefix("STATUS=tick skipped") }
                && (try? sandbox.jobs().count) == 1500
        }
        #expect(recovered.contains { $0.hasPrefix("STATUS=tick ") && !$0.hasPrefix("STATUS=tick skipped") })
        #expect(daemon.isRunning)
        daemon.terminate()
        let err = String(
            decoding: (daemon.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(),
            as: UTF8.self)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0, "\(err)")
        #expect(err.split(separator: "\n").contains { $0.contains("tick skipped") && $0.contains("not answering") })
        #expect(try sandbox.jobs().count == 1500)
        try SpoolAudit(sandbox: sandbox).problems(finished: true).forEach { Issue.record("\($0)") }
    }

    @Test("An import cut off by a lost connection leaves nothing half-applied")
    func importCutOff() async throws {
        let sandbox = try Sandbox(store: .postgres)
        let input = try sandbox.file("agreements.jsonl", CrashSafetyTests.lines(30_000))
        // A transaction of the test's holds the agreement table, so the import's connection
        // waits on it, where it is found and cut however loaded the machine (a race against
        // a fast import otherwise). Cutting the import's backends then frees the holder's too.
        let database = try #require(sandbox.server).name
        let holding = Thread {
            _ = try? TestPostgres.psql(
                "BEGIN; LOCK TABLE agreement IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(300); COMMIT;",
                database: database)
        }
        holding.start()
        var locked = false
        for _ in 0..<300 where !locked {
            try await Task.sleep(for: .milliseconds(100))
            locked =
                try sandbox.integer(
                    """
                    SELECT count(*) FROM pg_locks
                    WHERE relation = 'agreement'::regclass AND mode = 'AccessExclusiveLock' AND granted
                    """) > 0
        }
        try #require(locked, "the test's transaction holds the agreement table")
        let importer = try sandbox.start("rapportctl", ["import", "agreements", input])
        var cut = 0
        let deadline = Date().addingTimeInterval(180)
        while cut == 0, importer.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            cut = try Self.terminateBackends(sandbox, waitingOnALock: true)
        }
        _ = try Self.terminateBackends(sandbox)
        let err = String(
            decoding: (importer.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(),
            as: UTF8.self)
        importer.waitUntilExit()
        try #require(cut > 0, "the import finished before its connection could be cut")
        #expect(importer.terminationStatus == 69, "\(err)")
        // Besides its progress lines (import: N lines read), one line says what failed.
        #expect(err.split(separator: "\n").filter { $0.hasPrefix("rapportctl:") }.count == 1, "\(err)")
        #expect(try sandbox.integer("SELECT count(*) FROM agreement") == 0)
    }

    @Test("PostgreSQL restarted under a running rapportd: it reconnects, the watchdog stays fed, nothing twice")
    func serverRestarted() async throws {
        let cluster = try TestCluster(repository: Sandbox.repository, port: 54_340)
        let name = "restart"
        try TestPostgres.psql("CREATE DATABASE \(name)", server: cluster.server)
        let url = cluster.server.url.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
        let sandbox = try Sandbox(extraConfig: "[daemon]\ntick_seconds = 1\n")
        let storage = ["--database", url, "--password-file", cluster.server.passwordFile]
        #expect(try sandbox.run("rapportctl", ["migrate"] + storage).code == 0)
        let first = try sandbox.file("first.jsonl", CrashSafetyTests.lines(50))
        #expect(try sandbox.run("rapportctl", ["import", "agreements", first] + storage).code == 0)
        let listener = try ServiceTests.Listener()
        let daemon = try sandbox.start(
            "rapportd", storage, environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "2000000"])
        _ = listener.collect(for: 30) { $0.contains { $0.hasPrefix("STATUS=tick ") } }
        try cluster.restart()
        let second = try sandbox.file("second.jsonl", CrashSafetyTests.lines(50, prefix: "B-"))
        #expect(try sandbox.run("rapportctl", ["import", "agreements", second] + storage).code == 0)
        // Pinged every second (WATCHDOG_USEC 2 s) through the restart and the reconnection.
        let after = listener.collect(for: 6)
        #expect(after.filter { $0 == "WATCHDOG=1" }.count >= 4, "the watchdog was fed throughout: \(after)")
        _ = listener.collect(for: 60) { _ in (try? sandbox.jobs().count) == 100 }
        #expect(daemon.isRunning, "no crash")
        daemon.terminate()
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        #expect(try sandbox.jobs().count == 100)
        let names = try sandbox.jobs()
        #expect(Set(names.map { String($0.split(separator: "_").last ?? "") }).count == names.count)
        withExtendedLifetime(cluster) {}
    }
}
