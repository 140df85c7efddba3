import Foundation
import RapportStorage

/// Where a PostgreSQL store is: `[storage] database` as the contract spells it,
/// `postgres://USER@HOST:PORT/DB?sslmode=disable|require|verify-full` with `sslrootcert=PATH`
/// for the CA and `host=/run/postgresql` for a socket folder. A password is never part of it:
/// one in the URL is refused, so it cannot reach a config file, a log line or `ps`.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is protected: the contract's three `sslmode`s.
    public enum TLSMode: String, Sendable {
        case disable, require
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    /// A folder holding the server's socket (`.s.PGSQL.PORT`), instead of a TCP host.
    public var socketFolder: String?
    public var tls: TLSMode
    /// The CA that signs the server's certificate, for `verify-full`.
    public var rootCertificate: String?

    /// Whether `text` names a server rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The location `text` names; an error says what is wrong with it, never repeating it
    /// whole (it could hold a password someone put there by mistake).
    public init(_ text: String) throws(StoreError) {
        guard Self.isURL(text), let url = URLComponents(string: text) else {
            throw StoreError(.configuration, "[storage] database is not a postgres://USER@HOST:PORT/DB URL")
        }
        guard url.password == nil else {
            throw StoreError(
                .configuration,
                "[storage] database must not carry a password: put it in [storage] password_file or the "
                    + "systemd credential db-password")
        }
        guard let user = url.user, !user.isEmpty else {
            throw StoreError(.configuration, "[storage] database names no user: postgres://USER@HOST:PORT/DB")
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError(.configuration, "[storage] database names no database: postgres://USER@HOST:PORT/DB")
        }
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { $1 }
        for key in query.keys where !["sslmode", "sslrootcert", "host"].contains(key) {
            throw StoreError(
                .configuration, "[storage] database: unknown URL parameter \(key) (sslmode, sslrootcert, host)")
        }
        guard let tls = TLSMode(rawValue: query["sslmode"] ?? "require") else {
            throw StoreError(.configuration, "[storage] database: sslmode must be disable, require or verify-full")
        }
        if tls == .verifyFull, query["sslrootcert"] == nil {
            throw StoreError(
                .configuration, "[storage] database: sslmode=verify-full needs sslrootcert=PATH (the CA file)")
        }
        self.user = user
        self.host = url.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        self.port = url.port ?? 5432
        self.database = database
        self.socketFolder = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        self.tls = tls
        self.rootCertificate = query["sslrootcert"]
    }

    /// The location for logs, errors and `status`: user, server and database, nothing secret.
    public var description: String {
        let server = socketFolder.map { "\(host)?host=\($0)" } ?? "\(host):\(port)"
        return "postgres://\(user)@\(server)/\(database)"
    }
}
