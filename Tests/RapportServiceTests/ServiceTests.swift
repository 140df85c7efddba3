#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import RapportCore
import RapportEngine
import RapportStorage
import Testing
@testable import RapportService

/// A datagram socket to receive what a notifier sends, as systemd's would.
final class NotifySocket {
    let fd: Int32
    let address: String

    init(abstract: Bool = false) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let name =
            abstract
            ? "@rapport-test-\(UUID().uuidString.prefix(8))"
            : FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))")
                .path
        address = name
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Every datagram received within `seconds`.
    func receive(for seconds: Double) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { messages.append(String(decoding: buffer[0..<count], as: UTF8.self)) }
        }
        return messages
    }

    deinit {
        close(fd)
        if !address.hasPrefix("@") { unlink(address) }
    }
}

@Suite("systemd notification")
struct NotifierTests {
    @Test(
        "Datagrams reach a path socket and an abstract one; without NOTIFY_SOCKET nothing is sent",
        arguments: [false, true])
    func sends(abstract: Bool) async throws {
        let socket = try NotifySocket(abstract: abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.address])
        notifier.notify("READY=1\nSTATUS=ok")
        #expect(socket.receive(for: 0.3) == ["READY=1\nSTATUS=ok"])
        #expect(!SystemdNotifier(environment: [:]).isEnabled)
    }

    @Test("The watchdog pings at half of WATCHDOG_USEC, only when WATCHDOG_PID is absent or ours")
    func watchdog() {
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "2000000"]).watchdogInterval == .seconds(1))
        #expect(
            SystemdNotifier(environment: ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": String(getpid())])
                .watchdogInterval == .seconds(1))
        #expect(
            SystemdNotifier(environment: ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: [:]).watchdogInterval == nil)
    }
}

@Suite("Metrics")
struct MetricsTests {
    @Test("The Prometheus text format: HELP, TYPE, labelled samples, counters accumulate")
    func rendering() async throws {
        var metrics = Metrics()
        var report = TickReport(
            startedAt: Date(timeIntervalSince1970: 100), finishedAt: Date(timeIntervalSince1970: 101.5))
        report.due = 7
        report.spooled.append(
            TickReport.Spooled(
                fileName: "x", agreement: Identifier("A-1")!, kind: .preDue, channel: .sms, localTime: "",
                timezone: "UTC"))
        report.withdrawn = 2
        metrics.record(report, suppressed: ["R12": 1], depth: ["new": 4, "cur": 1])
        metrics.record(
            report, suppressed: ["R12": 2], depth: ["new": 5],
            inbound: InboundCounts(byOutcome: ["message/opt_out": 3, "bounce/bounce": 1], inboxOpen: 2))
        let text = metrics.rendered()
        #expect(
            text.contains(
                """
                # TYPE rapport_jobs_spooled_total \
                counter\nrapport_jobs_spooled_total{channel=\"sms\",kind=\"pre_due\"} 2\n
                """
            ))
        #expect(text.contains("rapport_agreements_suppressed_total{rule=\"R12\"} 3\n"))
        #expect(text.contains("rapport_jobs_withdrawn_total 4\n"))
        #expect(text.contains("rapport_tick_duration_seconds 1.500000\n"))
        #expect(text.contains("rapport_agreements_due 7\n"))
        #expect(text.contains("rapport_spool_jobs{state=\"new\"} 5\n"))
        #expect(text.contains("rapport_last_tick_timestamp_seconds 101.500\n"))
        #expect(text.contains("rapport_inbound_messages_total{kind=\"message\",outcome=\"opt_out\"} 3\n"))
        #expect(text.contains("rapport_inbox_open 2\n"))
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").count == 2, "\(line)")
        }
    }

    @Test("Failures by channel, the inbox's oldest item, the spool's free bytes, the interval and a restart")
    func alertInputs() {
        var metrics = Metrics()
        metrics.startedAt = Date(timeIntervalSince1970: 50)
        metrics.tickIntervalSeconds = 60
        var report = TickReport(
            startedAt: Date(timeIntervalSince1970: 1_000), finishedAt: Date(timeIntervalSince1970: 1_000))
        report.failedByChannel = [.sms: 2, .email: 1]
        report.deliveredByChannel = [.sms: 5]
        metrics.record(report, suppressed: [:], depth: [:], spoolAvailableBytes: 4_096)
        metrics.record(
            report, suppressed: [:], depth: [:],
            inbound: InboundCounts(inboxOpen: 1, oldestOpen: Date(timeIntervalSince1970: 100)),
            spoolAvailableBytes: 2_048)
        let text = metrics.rendered()
        #expect(text.contains("rapport_jobs_failed_total{channel=\"sms\"} 4\n"))
        #expect(text.contains("rapport_jobs_failed_total{channel=\"email\"} 2\n"))
        #expect(text.contains("rapport_jobs_failed_total{channel=\"voice\"} 0\n"))
        #expect(text.contains("rapport_jobs_delivered_total{channel=\"sms\"} 10\n"))
        #expect(text.contains("rapport_inbox_oldest_age_seconds 900\n"))
        #expect(text.contains("rapport_spool_available_bytes 2048\n"))
        #expect(text.contains("rapport_tick_interval_seconds 60\n"))
        #expect(text.contains("rapport_start_time_seconds 50.000\n"))
    }

    @Test("A cluster node's lease counters are written only by a node")
    func clusterMetrics() {
        var metrics = Metrics()
        #expect(!metrics.rendered().contains("rapport_cluster_"))
        var node = NodeCounters()
        node.partitions = 86
        node.renewals = 12
        node.renewalFailures = 1
        node.fenceRejections = 2
        node.takeovers = 3
        node.lastTakeoverSeconds = 4.25
        metrics.node = node
        let text = metrics.rendered()
        for sample in [
            "rapport_cluster_partitions 86\n", "rapport_cluster_lease_renewals_total 12\n",
            "rapport_cluster_lease_renewal_failures_total 1\n", "rapport_cluster_fence_rejections_total 2\n",
            "rapport_cluster_takeovers_total 3\n", "rapport_cluster_last_takeover_unowned_seconds 4.250\n",
        ] {
            #expect(text.contains(sample), "\(sample)")
        }
    }
}
