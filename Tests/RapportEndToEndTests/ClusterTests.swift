import Foundation
import RapportTestSupport
import Testing

/// Several `rapportd` nodes on one PostgreSQL database (issue 26): partitions change hands on
/// the database's clock, within the lease, and a node that lost them commits nothing.
@Suite("Several nodes on one PostgreSQL", .serialized)
struct ClusterTests {
    /// Leases as the issue sets them (15 s, renewed every 5 s), ticks every second.
    static let config = """
        [daemon]
        tick_seconds = 1
        [cluster]
        partitions = 16
        lease_seconds = 15
        renew_seconds = 5
        """

    @Test("Takeover: a killed node's partitions are owned again within lease + renewal + tick; SIGTERM hands back")
    func takeoverAndHandOver() async throws {
        let sandbox = try Sandbox(store: .postgres, extraConfig: Self.config)
        try sandbox.importAgreements([CrashSafetyTests.lines(100)])
        let a = try ClusterNode(sandbox, "a")
        let b = try ClusterNode(sandbox, "b")
        let shared = try await sandbox.leases(within: .seconds(90)) { $0 == ["a": 8, "b": 8] }
        #expect(shared, "two nodes share 16 partitions evenly")
        let status = try await sandbox.clusterStatus(within: .seconds(10)) {
            $0.unowned == 0 && $0.partitions(of: "a") == 8 && $0.partitions(of: "b") == 8
        }
        #expect(status != nil, "cluster status --json says so")
        a.process.signal(SIGKILL)
        let killed = ContinuousClock.now
        let taken = try await sandbox.leases(within: .seconds(60)) { $0 == ["b": 16] }
        let takeover = killed.duration(to: .now)
        #expect(taken, "b took a's partitions")
        #expect(takeover <= .seconds(25), "owned again within lease 15 s + renewal 5 s + tick 1 s + slack: \(takeover)")
        #expect(try b.log().contains("takeover: partitions"), "one journal line per takeover")
        let counted = try await sandbox.clusterStatus(within: .seconds(10)) { ($0.takeovers(of: "b") ?? 0) >= 1 }
        #expect(counted != nil, "cluster status counts the takeover")
        b.process.signal(SIGTERM)
        let stopping = ContinuousClock.now
        let handed = try await sandbox.leases(within: .seconds(10)) { $0.isEmpty }
        let handOver = stopping.duration(to: .now)
        #expect(handed && handOver <= .seconds(2), "SIGTERM hands every partition back at once: \(handOver)")
        b.process.waitUntilExit()
        #expect(b.process.terminationStatus == 0)
        print("cluster: takeover after SIGKILL in \(takeover), hand-over on SIGTERM in \(handOver)")
        #expect(try b.log().contains("hand-over: all 16 partitions handed back on shutdown"))
    }

    @Test("Zombie: a node stopped mid-write for twice the lease commits nothing once continued (fence rejection)")
    func zombieCommitsNothing() async throws {
        let sandbox = try Sandbox(store: .postgres, extraConfig: Self.config)
        try sandbox.importAgreements([CrashSafetyTests.lines(100)])
        // a plans its first batch, records it, and stops itself before marking it ready.
        let a = try ClusterNode(sandbox, "a", environment: ["RAPPORT_FAULT": "before-marked:1:stop"])
        #expect(try await a.waitUntilStopped(within: .seconds(40)), "a stopped between record and mark")
        let planned = try sandbox.integer("SELECT count(*) FROM job WHERE state = 'planned'")
        #expect(planned > 0, "a recorded jobs before it stopped")
        let b = try ClusterNode(sandbox, "b")
        let taken = try await sandbox.leases(within: .seconds(60)) { $0 == ["b": 16] }
        #expect(taken, "b took every partition once a's leases ran out")
        // b finishes what a left planned; then nothing is due, so b writes nothing more.
        let finished = try await sandbox.poll(within: .seconds(20)) {
            try sandbox.integer("SELECT count(*) FROM job WHERE state = 'planned'") == 0
        }
        #expect(finished, "b finished a's planned jobs")
        let before = try Self.snapshot(sandbox)
        // a continues where it stopped. Even if it takes partitions again meanwhile (b hands
        // half over once a is back), its write begun under the old epochs is refused.
        a.process.signal(SIGCONT)
        let rejected = try await sandbox.poll(within: .seconds(40)) {
            try a.log().contains("are no longer this node's: nothing of the batch was written")
        }
        #expect(rejected, "a's write after the pause was refused by the fence")
        #expect(try Self.snapshot(sandbox) == before, "nothing written under a stale epoch")
        let counted = try await sandbox.clusterStatus(within: .seconds(12)) { ($0.fenceRejections(of: "a") ?? 0) >= 1 }
        #expect(counted != nil, "the rejection is counted in cluster status")
        a.process.signal(SIGKILL)
        b.process.signal(SIGKILL)
    }

    @Test("A node whose connections are terminated and whose renewals stall stops acting in its trust window, rejoins")
    func cutOffNodeRejoins() async throws {
        let sandbox = try Sandbox(store: .postgres, extraConfig: Self.config)
        let server = try #require(sandbox.server)
        try sandbox.importAgreements([CrashSafetyTests.lines(100)])
        let a = try ClusterNode(sandbox, "a")
        let b = try ClusterNode(sandbox, "b")
        defer {
            a.process.signal(SIGKILL)
            b.process.signal(SIGKILL)
        }
        try #require(try await sandbox.leases(within: .seconds(90)) { $0 == ["a": 8, "b": 8] })
        // a's heartbeat row held locked: each of its lease rounds waits; its connections are
        // terminated under it, so the round in flight fails and the next one waits again.
        let stall = try LockHolder(server, "SELECT 1 FROM node WHERE name = 'a' FOR UPDATE")
        try await Task.sleep(for: .seconds(1))
        try sandbox.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'rapportd node a'")
        let taken = try await sandbox.leases(within: .seconds(60)) { $0 == ["b": 16] }
        #expect(taken, "b took a's partitions once a's leases ran out")
        #expect(try a.log().contains("not acting until renewed"), "a stopped acting on its own clock")
        stall.release()
        let rejoined = try await sandbox.leases(within: .seconds(60)) { $0 == ["a": 8, "b": 8] }
        #expect(rejoined, "a rejoined and the two share evenly again")
        #expect(try a.log().contains("lost partitions"), "a learnt that its partitions had moved")
    }

    @Test(
        """
        Clock skew: nodes 10 minutes ahead and behind share the partitions, no lease changes hands, and all plan by \
        the database's clock (R1's hours are the server's, not a skewed host's)
        """)
    func clockSkew() async throws {
        let sandbox = try Sandbox(store: .postgres, extraConfig: Self.config)
        let shim = try Self.skewClock(into: sandbox)
        try sandbox.importAgreements([CrashSafetyTests.lines(100)])
        func skewed(_ seconds: Int) -> [String: String] { ["LD_PRELOAD": shim, "RAPPORT_SKEW_SECONDS": "\(seconds)"] }
        let nodes = [
            try ClusterNode(sandbox, "a"), try ClusterNode(sandbox, "b", environment: skewed(600)),
            try ClusterNode(sandbox, "c", environment: skewed(-600)),
        ]
        defer { for node in nodes { node.process.signal(SIGKILL) } }
        // Each takes up to an even share, ceil(16 / 3) = 6: 6, 6 and 4 or 6, 5 and 5.
        let shared = try await sandbox.leases(within: .seconds(90)) {
            $0.count == 3 && $0.values.reduce(0, +) == 16 && $0.values.allSatisfy { $0 <= 6 }
        }
        let logs = nodes.map { (try? $0.log().suffix(600)).map(String.init) ?? "" }
        try #require(shared, "\(logs)")
        let settled = try sandbox.pairs("SELECT id::text, owner || ' ' || epoch FROM partition ORDER BY id")
        // Leases on a node's own clock would look expired to b and unexpired to c for ten
        // minutes: b would take every partition at each renewal, and the owners would churn.
        let deadline = ContinuousClock.now + .seconds(30)
        var moved: [String] = []
        while ContinuousClock.now < deadline, moved.isEmpty {
            let current = try sandbox.pairs("SELECT id::text, owner || ' ' || epoch FROM partition ORDER BY id")
            for (before, after) in zip(settled, current) where before != after {
                moved.append("partition \(before.0): \(before.1) then \(after.1)")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(moved.isEmpty, "one owner per partition, at one epoch, throughout: \(moved)")
        let status = try await sandbox.clusterStatus(within: .seconds(10)) { _ in true }
        for node in ["a", "b", "c"] {
            #expect(status?.fenceRejections(of: node) == 0, "node \(node) had no write fenced")
        }
        let lost = try nodes.filter { try $0.log().contains("lost partitions") }.count
        #expect(lost == 0, "no node learnt that its partitions had moved")
        // Every node plans by the database's clock: no decision is stamped ten minutes off.
        let planned = try sandbox.integer("SELECT count(*) FROM decision")
        let offClock = try sandbox.integer(
            "SELECT count(*) FROM decision WHERE at > now() + interval '5 seconds' OR at < now() - interval '5 minutes'"
        )
        #expect(planned > 0 && offClock == 0, "\(offClock) of \(planned) decisions stamped by a skewed clock")
    }

    /// Builds `Tests/Shims/skew-clock.c` into the sandbox: a preload that moves a process's wall
    /// clock and nothing else.
    static func skewClock(into sandbox: Sandbox) throws -> String {
        let shim = sandbox.root.appendingPathComponent("skew-clock.so").path
        let source = Sandbox.repository.appendingPathComponent("Tests/Shims/skew-clock.c").path
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
        compiler.arguments = ["-shared", "-fPIC", "-o", shim, source, "-ldl"]
        try compiler.run()
        compiler.waitUntilExit()
        try #require(compiler.terminationStatus == 0, "a C compiler builds the clock shim: apt-get install gcc")
        return shim
    }

    @Test("rapportd --once as a node renews its leases while its tick runs: a tick longer than a lease plans all")
    func onceRenewsDuringALongTick() async throws {
        let sandbox = try Sandbox(
            store: .postgres, extraConfig: "[cluster]\npartitions = 16\nlease_seconds = 6\nrenew_seconds = 2\n")
        try sandbox.importAgreements([CrashSafetyTests.lines(8000)])
        // Planning 8,000 agreements takes longer than 6 s: without renewals the node's own clock
        // would stop it acting part-way (its trust window closes), and the rest stay unplanned.
        let once = try sandbox.run(
            "rapportd", ["--once", "--node", "a", "--spool", sandbox.root.appendingPathComponent("spool-a").path])
        #expect(once.code == 0, "\(once.err.suffix(400))")
        let unplanned = try sandbox.integer("SELECT count(*) FROM agreement WHERE planned_at IS NULL")
        #expect(unplanned == 0, "every agreement planned in one --once")
    }

    @Test("[cluster] on a SQLite file is refused (78); --node without [cluster] is a usage error (64)")
    func clusterNeedsPostgres() throws {
        let single = try Sandbox()
        let alone = try single.run("rapportd", ["--once", "--node", "a"])
        #expect(alone.code == 64 && alone.err.contains("--node needs a [cluster] section"), "\(alone.err)")
        let cluster = try Sandbox(extraConfig: "[cluster]\nnode = \"a\"\n")
        let file = try cluster.run("rapportd", ["--once"])
        #expect(file.code == 78 && file.err.contains("[cluster] needs a PostgreSQL [storage] database"), "\(file.err)")
        #expect(file.err.split(separator: "\n").count == 1, "one line")
    }

    /// Every row a tick writes, and each job's state: what a zombie must not change.
    static func snapshot(_ sandbox: Sandbox) throws -> [String] {
        try sandbox.pairs(
            """
            SELECT 'job ' || state, count(*)::text FROM job GROUP BY state
            UNION ALL SELECT 'decision', count(*)::text FROM decision
            UNION ALL SELECT 'agreement', coalesce(max(planned_at)::text, '-') FROM agreement
            ORDER BY 1
            """
        ).map { "\($0.0)=\($0.1)" }
    }
}

/// One `rapportd --node NAME` of a test cluster, with its own spool and its log in a file.
struct ClusterNode {
    let process: Process
    let logPath: String

    init(_ sandbox: Sandbox, _ name: String, environment: [String: String] = [:]) throws {
        logPath = sandbox.root.appendingPathComponent("\(name).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = Sandbox.products.appendingPathComponent("rapportd")
        process.arguments = [
            "--node", name, "--spool", sandbox.root.appendingPathComponent("spool-\(name)").path, "--config",
            sandbox.config,
        ]
        process.currentDirectoryURL = sandbox.root
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
    }

    func log() throws -> String { try String(contentsOfFile: logPath, encoding: .utf8) }

    /// Whether the process stopped itself (state T in /proc) within `limit`.
    func waitUntilStopped(within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
            if stat.split(separator: ")").last?.split(separator: " ").first == "T" { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}

extension Process {
    /// Sends `signal` to the process.
    func signal(_ signal: Int32) { kill(processIdentifier, signal) }
}

/// `rapportctl cluster status --json`, as a test reads it.
struct ClusterStatusReading {
    let json: [String: Any]

    var unowned: Int { json["unowned"] as? Int ?? -1 }
    private var nodes: [[String: Any]] { json["nodes"] as? [[String: Any]] ?? [] }
    private func node(_ name: String) -> [String: Any]? { nodes.first { $0["node"] as? String == name } }
    func partitions(of name: String) -> Int { node(name)?["partitions"] as? Int ?? 0 }
    func takeovers(of name: String) -> Int? { node(name)?["takeovers"] as? Int }
    func fenceRejections(of name: String) -> Int? { node(name)?["fence_rejections"] as? Int }
}

extension Sandbox {
    /// The cluster's status once `condition` holds, polled every half second; nil after `limit`.
    func clusterStatus(within limit: Duration, _ condition: (ClusterStatusReading) -> Bool) async throws
        -> ClusterStatusReading?
    {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let result = try run("rapportctl", ["cluster", "status", "--json"])
            if result.code == 0,
                let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
            {
                let status = ClusterStatusReading(json: object)
                if condition(status) { return status }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        return nil
    }

    /// Whether the live leases (node → partitions held) came to satisfy `condition` within
    /// `limit`: read with `psql` every quarter second, so a loaded machine delays the reading
    /// as little as it can.
    func leases(within limit: Duration, _ condition: ([String: Int]) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let rows = try pairs(
                "SELECT owner, count(*)::text FROM partition WHERE lease_until > now() GROUP BY owner ORDER BY owner")
            if condition(Dictionary(uniqueKeysWithValues: rows.map { ($0.0, Int($0.1) ?? 0) })) { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// Whether `condition` came to hold within `limit`, polled every half second.
    func poll(within limit: Duration, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(500))
        }
        return false
    }
}

/// A transaction held open in a `psql` of its own, holding the locks `sql` took until released.
final class LockHolder {
    private let process = Process()
    private let input = Pipe()

    init(_ database: TestDatabase, _ sql: String) throws {
        guard let url = URLComponents(string: database.url) else { throw TestPostgresError("bad URL") }
        let password = try String(contentsOfFile: database.passwordFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [
            "-h", url.host ?? "127.0.0.1", "-p", "\(url.port ?? 5432)", "-U", url.user ?? "postgres", "-d",
            database.name, "-qAtX",
        ]
        process.environment = ["PGPASSWORD": password, "PGSSLMODE": "disable", "PATH": "/usr/bin:/bin"]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN;\n\(sql);\n".utf8))
    }

    /// Rolls the transaction back and ends the `psql`.
    func release() {
        input.fileHandleForWriting.write(Data("ROLLBACK;\n\\q\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { if process.isRunning { process.terminate() } }
}
