import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RapportCore
import RapportSpool

/// `rapport-sms`'s sending side: claims the SMS jobs whose time has come through the same
/// claim and acknowledgement code as `rapport-mail` (`DeliveryClaims`), hands each to the
/// provider at most `ratePerSecond`, and acknowledges what the provider said.
///
/// At most once: a text the provider may have taken is acknowledged, never offered again. Only
/// a text the provider surely did not take — it could not be reached, or it answered "later"
/// (503, 429) — goes back to `new/` to be claimed again, and the pass stops there: the next
/// round tries again, nothing is lost.
public struct SMSSender: Sendable {
    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var sent = 0
        public var refused = 0
        public var temporary = 0
        public var expired = 0
        public init() {}
    }

    public let claims: DeliveryClaims
    public let provider: any SMSProvider
    public let ratePerSecond: Double
    let client: HTTPClient
    public var spool: Spool { claims.spool }

    public init(claims: DeliveryClaims, provider: any SMSProvider, ratePerSecond: Double, client: HTTPClient = .shared)
    {
        self.claims = claims
        self.provider = provider
        self.ratePerSecond = ratePerSecond
        self.client = client
    }

    /// Sends every SMS job whose `not_before` has come, until the provider asks for a pause;
    /// `shouldContinue` is asked between texts.
    public func sendDue(now: () -> Date = Date.init, shouldContinue: () -> Bool = { true }) async throws -> Pass {
        var pass = Pass()
        var pacing = SendPacing(ratePerSecond: ratePerSecond)
        while shouldContinue(), let claimed = try await claims.claim(channel: .sms, at: now()) {
            try? await Task.sleep(for: pacing.wait(at: .now))
            switch await deliver(claimed, at: now()) {
            case .accepted(let providerID, let words):
                try await claims.acknowledge(
                    claimed.name, outcome: Outcome(delivered: true, at: now(), detail: words, providerID: providerID))
                pass.sent += 1
            case .refused(let words):
                try await claims.acknowledge(claimed.name, outcome: Outcome(delivered: false, at: now(), detail: words))
                if words.hasPrefix(Self.expiredPrefix) { pass.expired += 1 } else { pass.refused += 1 }
            case .temporary(let words):
                try await claims.release(claimed.name, why: "handed back unsent: \(words)")
                pass.temporary += 1
                return pass
            }
        }
        return pass
    }

    static let expiredPrefix = "not sent: its not_after"
    static let deadline = TimeAmount.seconds(10)

    /// Submits one claimed job, or says why it was not submitted.
    private func deliver(_ claimed: Spool.Location, at now: Date) async -> ProviderAnswer {
        let job: Job
        do { job = try spool.read(claimed) } catch {
            return .refused("not sent: the job file cannot be read (\(error))")
        }
        guard now < job.notAfter else {
            return .refused("\(Self.expiredPrefix) \(Timestamp.rfc3339(job.notAfter)) has passed")
        }
        let text = OutgoingText(job: job.id.rawValue, to: job.to, body: job.body, unicode: job.encoding == .ucs2)
        return await submit(provider.request(for: text))
    }

    /// Makes the request; an error before the request left is temporary, one after it is not:
    /// the provider may have the text, and a debtor never gets it twice.
    private func submit(_ request: ProviderRequest) async -> ProviderAnswer {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            // An unreachable provider is retried by the client until this deadline; a provider
            // that took the request and never answered within it may have the text.
            let response = try await client.execute(outgoing, timeout: Self.deadline)
            let body = try await response.body.collect(upTo: 64 * 1024)
            return provider.answer(status: Int(response.status.code), body: String(buffer: body))
        } catch {
            if Self.failedBeforeSending(error) { return .temporary("the provider could not be reached (\(error))") }
            return .refused("outcome unknown, not sent again: \(error)")
        }
    }

    /// Whether `error` came before any byte of the request left: no connection was made.
    static func failedBeforeSending(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        if let error = error as? IOError { return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode) }
        return false
    }
}
