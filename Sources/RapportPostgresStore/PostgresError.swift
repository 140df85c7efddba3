import Foundation
import NIOCore
import NIOSSL
import PostgresNIO
import RapportStorage

extension StoreError {
    /// Maps what postgres-nio throws to a `StoreError` an operator can act on: the kind decides
    /// the exit code (69 a server not answering, 77 a refused password, 78 a setup to fix), the
    /// message names the server (never the password) and what to do.
    static func from(_ error: any Error, server: PostgresLocation) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as PSQLError:
            return from(error, server: server)
        case is ConnectionLost:
            return StoreError(
                .unreachable, "database \(server) is not answering (the connection was closed); is PostgreSQL running?")
        case let error as PostgresTransactionError:
            // What failed first: BEGIN, the transaction's own work, or COMMIT.
            let cause: (any Error)? = error.beginError ?? error.closureError ?? error.commitError
            return cause.map { from($0, server: server) }
                ?? StoreError(.unreachable, "database \(server): the transaction could not finish; try again")
        case is NIOSSLError, is BoringSSLError:
            return StoreError(
                .configuration,
                "database \(server): TLS failed (\(error)); check sslmode and that sslrootcert signs the "
                    + "server's certificate for this host name")
        default:
            return StoreError(
                .unreachable, "database \(server) is not answering (\(error)); is PostgreSQL running and reachable?")
        }
    }

    private static func from(_ error: PSQLError, server: PostgresLocation) -> StoreError {
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else {
            switch error.code {
            case .sslUnsupported:
                return StoreError(
                    .configuration, "database \(server): the server offers no TLS; enable ssl there or set sslmode")
            case .authMechanismRequiresPassword:
                return StoreError(
                    .permissionDenied,
                    "database \(server) asks for a password and none is set: write it to [storage] password_file "
                        + "or the systemd credential db-password")
            default:
                let cause = error.underlying.map { "\($0)" } ?? "\(error.code)"
                return StoreError(
                    .unreachable,
                    "database \(server) is not answering (\(cause)); is PostgreSQL running and reachable?")
            }
        }
        let message = error.serverInfo?[.message] ?? "error \(state)"
        switch state {
        case "28P01", "28000":
            return StoreError(
                .permissionDenied,
                "database \(server) refused user \(server.user) (\(message)); check [storage] password_file or the "
                    + "db-password credential, and pg_hba.conf")
        case "42501":
            return StoreError(
                .permissionDenied,
                "database \(server): user \(server.user) lacks a right it needs (\(message)); grant what README "
                    + "\"Running on PostgreSQL\" lists")
        case "3D000":
            return StoreError(
                .configuration, "database \(server) does not exist on the server (\(message)); create it first")
        case "42P01", "42703":
            return StoreError(
                .configuration,
                "database \(server) has no or an older Rapport schema (\(message)); run rapportctl migrate")
        case "23P01":
            // A schema backstop (R8) refused what the planner and the fence let through: a bug
            // to report, never a second contact.
            return StoreError(
                .backstop,
                "database \(server): R8 backstop refused the batch (\(message)); nothing of it was written; "
                    + "please report this with `rapportctl explain` of the debtor's agreements")
        case "53100":
            return StoreError(.unusable, "database \(server): the server's disk is full; free space and try again")
        case "40001", "40P01", "55P03":
            return StoreError(.locked, "database \(server): \(message); try again")
        case _ where state.hasPrefix("57P") || state.hasPrefix("08"):
            return StoreError(
                .unreachable, "database \(server) is not answering (\(message)); is PostgreSQL running?")
        default:
            return StoreError(.unusable, "database \(server): \(message) (SQLSTATE \(state))")
        }
    }
}
