import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import RapportStorage

/// How a store reaches its server: the TLS it insists on, the password it offers, and a first
/// connection made on its own, so that a server that is down, a refused password or an
/// untrusted certificate is one precise line at once (the pool would retry them in silence).
struct PostgresConnector {
    let server: PostgresLocation
    let password: String?
    let logger: Logger

    /// One connection, retried with backoff while the server does not answer, for at most
    /// `wait` seconds (`[storage] connect_wait_seconds`); every other refusal is final.
    func connect(waiting wait: TimeInterval) async throws(StoreError) -> PostgresConnection {
        let deadline = ContinuousClock.now + .milliseconds(Int(wait * 1000))
        var pause = Duration.milliseconds(250)
        while true {
            do {
                return try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.next(), configuration: try connectionConfiguration(),
                    id: 0, logger: logger
                ).get()
            } catch {
                let failure = StoreError.from(error, server: server)
                let left = deadline - ContinuousClock.now
                guard failure.kind == .unreachable, left > .zero else { throw failure }
                logger.notice("PostgreSQL \(server) is not answering yet; trying again", metadata: ["wait": "\(pause)"])
                try? await Task.sleep(for: min(pause, left))
                pause = min(pause * 2, .seconds(5))
            }
        }
    }

    func connectionConfiguration() throws(StoreError) -> PostgresConnection.Configuration {
        if let folder = server.socketFolder {
            return .init(
                unixSocketPath: "\(folder)/.s.PGSQL.\(server.port)", username: server.user, password: password,
                database: server.database)
        }
        return .init(
            host: server.host, port: server.port, username: server.user, password: password,
            database: server.database, tls: try tls().connection)
    }

    func clientConfiguration() throws(StoreError) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let folder = server.socketFolder {
            configuration = .init(
                unixSocketPath: "\(folder)/.s.PGSQL.\(server.port)", username: server.user, password: password,
                database: server.database)
        } else {
            configuration = .init(
                host: server.host, port: server.port, username: server.user, password: password,
                database: server.database, tls: try tls().client)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// `sslmode`: `disable` speaks plain text (a socket or loopback), `require` encrypts without
    /// checking who answers, `verify-full` checks the certificate against `sslrootcert` and
    /// the host name against it.
    private func tls() throws(StoreError) -> (
        connection: PostgresConnection.Configuration.TLS, client: PostgresClient.Configuration.TLS
    ) {
        switch server.tls {
        case .disable:
            return (.disable, .disable)
        case .require:
            var context = TLSConfiguration.makeClientConfiguration()
            context.certificateVerification = .none
            return try (.require(makeContext(context)), .require(context))
        case .verifyFull:
            var context = TLSConfiguration.makeClientConfiguration()
            context.certificateVerification = .fullVerification
            context.trustRoots = .file(server.rootCertificate ?? "")
            return try (.require(makeContext(context)), .require(context))
        }
    }

    private func makeContext(_ configuration: TLSConfiguration) throws(StoreError) -> NIOSSLContext {
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw StoreError(
                .configuration,
                "database \(server): cannot use sslrootcert \(server.rootCertificate ?? "(none)") (\(error)); "
                    + "check the CA file")
        }
    }
}
