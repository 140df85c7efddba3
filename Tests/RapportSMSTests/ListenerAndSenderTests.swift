import Foundation
import Logging
import RapportConfig
import RapportCore
import RapportSpool
import RapportTestSupport
import Synchronization
import Testing

@testable import RapportSMS

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The listener on a real socket and the sender against an unreachable provider, on a real
/// spool in a temporary folder.
@Suite("rapport-sms: the listener writes before it answers; an unreachable provider loses nothing")
struct ListenerAndSenderTests {
    static func spool() throws -> (TemporaryFolder, Spool) {
        let folder = try TemporaryFolder("sms")
        let spool = Spool(root: folder.path)
        try spool.prepare()
        return (folder, spool)
    }

    /// Runs a listener on a free loopback port for `body`.
    static func withListener(
        _ spool: Spool, _ body: (Int) async throws -> Void
    ) async throws {
        let listener = CallbackListener(
            routes: CallbackRoutes(secret: "callback-secret", twilioToken: nil, publicBase: "http://127.0.0.1"),
            spool: spool, logger: Logger(label: "test"))
        let port = Mutex(0)
        let serving = Task {
            try await listener.run(host: "127.0.0.1", port: 0) { bound in port.withLock { $0 = bound } }
        }
        defer { serving.cancel() }
        for _ in 0..<100 where port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
        try await body(port.withLock { $0 })
    }

    static func call(_ port: Int, _ target: String, method: String = "GET", body: Data? = nil) async throws -> Int {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(target)")))
        request.httpMethod = method
        request.httpBody = body
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test("A text with the secret is on disk in in/ before its 200; without the secret 403; over 64 KiB 413")
    func listener() async throws {
        let (folder, spool) = try Self.spool()
        try await Self.withListener(spool) { port in
            let forged = try await Self.call(port, "/kannel/mo?from=%2B12145550100&text=STOP&id=1")
            #expect(forged == 403)
            #expect(try spool.inboundFiles().isEmpty, "nothing recorded without the secret")
            let large = Data(repeating: UInt8(ascii: "a"), count: CallbackListener.bodyLimit + 1)
            let tooLarge = try await Self.call(
                port, "/kannel/mo?secret=callback-secret&from=%2B1&text=x", method: "POST", body: large)
            #expect(tooLarge == 413)
            #expect(try spool.inboundFiles().isEmpty, "nothing recorded from a body over the limit")
            let text =
                "/kannel/mo?secret=callback-secret&from=%2B12145550100&to=12345&text=STOP&id=abc"
                + "&time=2026-12-07+17:14:55"
            #expect(try await Self.call(port, text) == 200)
            let names = try spool.inboundFiles()
            #expect(names.count == 1)
            let name = try #require(names.first)
            let json = try #require(
                JSONSerialization.jsonObject(with: try spool.readInbound(name)) as? [String: Any])
            #expect(json["from"] as? String == "+12145550100")
            #expect(json["provider_id"] as? String == "kannel:abc")
            #expect(json["text"] as? String == "STOP")
            #expect(try await Self.call(port, text) == 200)
            #expect(try spool.inboundFiles().count == 1, "a repeated callback is the same message, the same file")
        }
        _ = folder
    }

    static func job(notAfter: Date) -> Job {
        Job(
            contact: PlannedContact(
                jobID: JobID("j-3f9c2a00000000000000000000000001")!, touchpoint: TouchpointKey(rawValue: "t"),
                kind: .preDue, channel: .sms, to: "+12145550100", agreement: Identifier("A-1")!,
                agreements: [Identifier("A-1")!], debtor: Debtor(id: Identifier("D-1")!, name: "Sam"),
                timezone: "UTC", notBefore: Date(timeIntervalSince1970: 0), notAfter: notAfter, localTime: "",
                reason: "r", installment: nil, statement: nil, paymentAmount: nil, currency: "USD"),
            locale: "en", subject: nil, body: "Hi Sam", createdAt: Date(timeIntervalSince1970: 0))
    }

    static func sender(_ spool: Spool) -> SMSSender {
        // Port 1 on loopback: nothing listens, the connection is refused before a byte leaves.
        let provider = KannelProvider(
            sendsmsURL: "http://127.0.0.1:1/cgi-bin/sendsms", username: "u", password: "p", from: "Acme", dlrMask: 0,
            callbackBase: "http://127.0.0.1:13080", secret: "s")
        return SMSSender(claims: DeliveryClaims(spool: spool, ledger: nil), provider: provider, ratePerSecond: 100)
    }

    @Test("An unreachable provider: the job goes back to new/, claimable again, nothing sent or lost")
    func unreachable() async throws {
        let (folder, spool) = try Self.spool()
        let written = try spool.write(Self.job(notAfter: Date().addingTimeInterval(3600)))
        let pass = try await Self.sender(spool).sendDue()
        #expect(pass.temporary == 1 && pass.sent == 0 && pass.refused == 0)
        #expect(try spool.list(.new) == [written.name])
        #expect(try spool.list(.cur).isEmpty && spool.list(.failed).isEmpty && spool.list(.done).isEmpty)
        _ = folder
    }

    @Test("A job claimed after its not_after is failed with the reason, never sent")
    func expired() async throws {
        let (folder, spool) = try Self.spool()
        let written = try spool.write(Self.job(notAfter: Date().addingTimeInterval(-60)))
        let pass = try await Self.sender(spool).sendDue()
        #expect(pass.expired == 1 && pass.temporary == 0)
        #expect(try spool.list(.failed) == [written.name])
        let outcome = try #require(spool.outcome(of: Spool.Location(folder: .failed, name: written.name)))
        #expect(outcome.detail?.hasPrefix("not sent: its not_after") == true)
        _ = folder
    }

    @Test("rate_per_second: each text waits for the next slot, one spacing after the last; a passed slot waits not")
    func pacing() {
        var pacing = SendPacing(ratePerSecond: 4)
        let start = ContinuousClock.now
        #expect(pacing.wait(at: start) == .zero)
        #expect(pacing.wait(at: start + .milliseconds(10)) == .milliseconds(240))
        #expect(pacing.wait(at: start + .milliseconds(10)) == .milliseconds(490))
        #expect(pacing.wait(at: start + .seconds(5)) == .zero, "a provider idle for a while is not made to wait")
        #expect(pacing.wait(at: start + .seconds(5)) == .milliseconds(250))
        var fast = SendPacing(ratePerSecond: 1000)
        #expect(fast.wait(at: start) == .zero && fast.wait(at: start) == .milliseconds(1))
    }

    @Test("rate_per_second spaces the texts the sender hands over: three at 4 a second take at least half a second")
    func rate() async throws {
        let (folder, spool) = try Self.spool()
        // The provider is a listener that knows no sendsms: each text is refused at once (404),
        // so the time taken is at least the sender's spacing.
        try await Self.withListener(spool) { port in
            for index in 0..<3 {
                var job = Self.job(notAfter: Date().addingTimeInterval(3600))
                job.id = try #require(JobID("j-3f9c2a000000000000000000000000\(index + 10)"))
                try spool.write(job)
            }
            let provider = KannelProvider(
                sendsmsURL: "http://127.0.0.1:\(port)/cgi-bin/sendsms", username: "u", password: "p", from: "A",
                dlrMask: 0, callbackBase: "http://127.0.0.1", secret: "s")
            let sender = SMSSender(
                claims: DeliveryClaims(spool: spool, ledger: nil), provider: provider, ratePerSecond: 4)
            let start = ContinuousClock.now
            let done = try await sender.sendDue()
            #expect(done.refused == 3)
            #expect(ContinuousClock.now - start >= .milliseconds(500))
        }
        _ = folder
    }
}
