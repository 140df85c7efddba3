#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Testing

/// rapportd as systemd runs it: Type=notify with a watchdog, SIGHUP reloads, SIGTERM stops.
@Suite("rapportd under systemd", .serialized)
struct ServiceTests {
    /// Binds a datagram socket like systemd's notification socket and collects what arrives.
    final class Listener: @unchecked Sendable {
        let fd: Int32
        let path: String

        init() throws {
            path =
                FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))")
                .path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        /// Messages until `seconds` pass or `done` says enough.
        func collect(for seconds: Double, until done: ([String]) -> Bool = { _ in false }) -> [String] {
            var messages: [String] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, !done(messages) {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 { messages.append(String(decoding: buffer[0..<count], as: UTF8.self)) }
            }
            return messages
        }

        deinit {
            close(fd)
            unlink(path)
        }
    }

    func waitForExit(_ process: Process, seconds: Double = 10) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(50_000) }
    }

    @Test("READY=1, STATUS= after ticks, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM, then exit 0")
    func notifyAndWatchdog() async throws {
        let sandbox = try Sandbox(extraConfig: "[daemon]\ntick_seconds = 1\n[metrics]\ntextfile = \"rapport.prom\"\n")
        try sandbox.run(
            "rapportctl",
            [
                "import", "agreements",
                try sandbox.file("a.jsonl", Sandbox.agreementLine("A-1", zone: "Asia/Tokyo", dueInDays: 2)),
            ])
        let listener = try Listener()
        let daemon = try sandbox.start(
            "rapportd", [],
            environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "2000000", "JOURNAL_STREAM": "8:1234"])
        let running = listener.collect(for: 8) { messages in
            messages.filter { $0 == "WATCHDOG=1" }.count >= 3
                && messages.filter { $0.hasPrefix("STATUS=tick") }.count >= 2
        }
        daemon.terminate()
        let stopping = listener.collect(for: 5) { $0.contains("STOPPING=1") }
        waitForExit(daemon)
        #expect(running.first?.hasPrefix("READY=1") == true, "\(running)")
        #expect(running.filter { $0 == "WATCHDOG=1" }.count >= 2)
        let statuses = running.filter { $0.hasPrefix("STATUS=tick ") }
        #expect(statuses.count >= 2)
        #expect(statuses.first?.contains("spooled") == true)
        #expect(stopping.contains("STOPPING=1"))
        #expect(daemon.terminationReason == .exit && daemon.terminationStatus == 0)

        let log = String(
            decoding: (daemon.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(),
            as: UTF8.self)
        #expect(log.split(separator: "\n").allSatisfy { $0.hasPrefix("<") }, "journald priorities: \(log)")
        #expect(log.contains("<6>rapportd: stopped"))
        #expect(!log.contains("+12145550100") && !log.contains("sam@example.org"), "no personal data at info level")

        let metrics = try String(
            contentsOfFile: sandbox.root.appendingPathComponent("rapport.prom").path, encoding: .utf8)
        #expect(metrics.contains("# TYPE rapport_jobs_spooled_total counter"))
        #expect(metrics.contains("rapport_ticks_total "))
        #expect(metrics.contains("rapport_spool_jobs{state=\"new\"} 1"))
    }

    @Test(
        """
        SIGHUP: a valid config takes effect at the next tick; a broken one is logged with its key and the old one stays
        """
    )
    func reload() async throws {
        let sandbox = try Sandbox(extraConfig: "[daemon]\ntick_seconds = 1\n")
        let listener = try Listener()
        let daemon = try sandbox.start("rapportd", [], environment: ["NOTIFY_SOCKET": listener.path])
        _ = listener.collect(for: 5) { $0.contains { $0.hasPrefix("STATUS=tick") } }

        let original = try String(contentsOfFile: sandbox.config, encoding: .utf8)
        try (original + "\n[metrics]\ntextfile = \"reloaded.prom\"\n").write(
            toFile: sandbox.config, atomically: false, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        let good = listener.collect(for: 5) { $0.contains { $0.hasPrefix("READY=1") } }
        #expect(good.first?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true, "\(good)")
        #expect(good.contains { $0.hasPrefix("READY=1\nSTATUS=reloaded") })
        _ = listener.collect(for: 4) { $0.filter { $0.hasPrefix("STATUS=tick") }.count >= 2 }
        #expect(
            FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("reloaded.prom").path),
            "the new config is in force")

        try (original + "\n[pacing]\nmax_per_wek = 2\n").write(
            toFile: sandbox.config, atomically: false, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        let bad = listener.collect(for: 5) { $0.contains { $0.hasPrefix("READY=1") } }
        #expect(bad.contains { $0.contains("reload refused") && $0.contains("max_per_wek") })
        _ = listener.collect(for: 3) { $0.filter { $0.hasPrefix("STATUS=tick") }.count >= 2 }
        #expect(daemon.isRunning, "a broken config does not stop the daemon")

        daemon.terminate()
        waitForExit(daemon)
        #expect(daemon.terminationStatus == 0)
        let log = String(
            decoding: (daemon.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(),
            as: UTF8.self)
        #expect(
            log.contains("reload refused, keeping the running config")
                && log.contains("[pacing] max_per_wek is not a known key"))
    }

    @Test("A bad config at start exits 78 with one line naming the file and key")
    func badConfigAtStart() async throws {
        let sandbox = try Sandbox(extraConfig: "[window]\nstart = \"07:00\"\n")
        let listener = try Listener()
        let daemon = try sandbox.start("rapportd", [], environment: ["NOTIFY_SOCKET": listener.path])
        waitForExit(daemon)
        #expect(daemon.terminationStatus == 78)
        let err = String(
            decoding: (daemon.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(),
            as: UTF8.self)
        #expect(err.split(separator: "\n").count == 1)
        #expect(err.contains("rapport.toml: [window] start may not be before 08:00 (R1 HARD)"))
        #expect(!listener.collect(for: 0.3).contains { $0.hasPrefix("READY=1") })
    }
}
