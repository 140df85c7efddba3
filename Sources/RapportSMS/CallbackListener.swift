import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RapportSpool
import Synchronization

/// The small HTTP server the provider calls back (`[sms] listen`, loopback by default): each
/// request is read whole up to 64 KiB (413 beyond), routed by `CallbackRoutes`, and what it
/// brings is written durably into the spool's `in/` before the 200 — a provider that gets its
/// 200 may forget the callback, so it must already be on disk. One request per connection.
public final class CallbackListener: Sendable {
    public static let bodyLimit = 64 * 1024

    public let routes: CallbackRoutes
    public let spool: Spool
    let logger: Logger
    private let tally = Mutex(Tally())

    /// What the listener did since it started, for the metrics.
    public struct Tally: Sendable, Equatable {
        public var counts: [CallbackCount: Int] = [:]
        public var refused = 0
    }

    public var counts: Tally { tally.withLock { $0 } }

    public init(routes: CallbackRoutes, spool: Spool, logger: Logger) {
        self.routes = routes
        self.spool = spool
        self.logger = logger
    }

    /// Binds `host:port` and serves until the task is cancelled; `bound` learns the port (for
    /// port 0) once connections are accepted.
    public func run(host: String, port: Int, bound: @Sendable (Int) -> Void = { _ in }) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        bound(server.channel.localAddress?.port ?? port)
        let closer = server.channel
        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onCancel: {
            closer.close(promise: nil)
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            var tooLarge = false
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                case .body(var chunk):
                    if body.readableBytes + chunk.readableBytes > Self.bodyLimit {
                        tooLarge = true
                    } else {
                        body.writeBuffer(&chunk)
                    }
                case .end:
                    guard let head else { return }
                    let (status, text) = tooLarge ? (413, "body over 64 KiB\n") : answer(head, body)
                    // Twilio reads a 200 as TwiML: an empty <Response/> sends nothing back.
                    let twiml = status == 200 && head.uri.hasPrefix("/twilio/")
                    try await Self.respond(status, twiml ? Self.emptyTwiML : text, xml: twiml, to: outbound)
                    return
                }
            }
        }
    }

    /// Routes one whole request and records what it brings.
    private func answer(_ head: HTTPRequestHead, _ body: ByteBuffer) -> (Int, String) {
        var headers: [String: String] = [:]
        for (name, value) in head.headers { headers[name.lowercased()] = value }
        let request = CallbackRequest(
            method: head.method.rawValue, target: head.uri, headers: headers, body: Data(body.readableBytesView))
        switch routes.handle(request, at: Date()) {
        case .refused(let status, let why):
            tally.withLock { $0.refused += 1 }
            logger.warning("callback \(request.path) refused (\(status)): \(why)")
            return (status, why + "\n")
        case .counted(let count):
            tally.withLock { $0.counts[count, default: 0] += 1 }
            return (200, "ok\n")
        case .record(let message, let count):
            do {
                try spool.deliverInbound(message, json: try message.contractJSON())
            } catch {
                // Not on disk: the provider must try again, so it hears of the failure.
                logger.error("callback \(request.path) not written to the spool's in/: \(error)")
                return (503, "not recorded; try again\n")
            }
            tally.withLock { $0.counts[count, default: 0] += 1 }
            return (200, "ok\n")
        }
    }

    static let emptyTwiML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>\n"

    private static func respond(
        _ status: Int, _ text: String, xml: Bool, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: xml ? "text/xml; charset=utf-8" : "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        try await outbound.write(.head(head))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text))))
        try await outbound.write(.end(nil))
    }
}
