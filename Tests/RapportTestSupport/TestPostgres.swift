import Foundation
import Testing

/// Which store a parameterised test runs on: one suite for both, never a copy per store.
public enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    public var testDescription: String { rawValue }
}

/// The throwaway PostgreSQL server `scripts/postgres-test-setup` starts (CI runs it; so can
/// anyone: `eval "$(scripts/postgres-test-setup)"` before `swift test`). Each test gets a new
/// database of its own on it, dropped when the test's `TestDatabase` goes.
public enum TestPostgres {
    static let environment = ProcessInfo.processInfo.environment

    /// The server's URL (its `postgres` database) and its admin password file, when set up.
    public static var server: (url: String, passwordFile: String)? {
        guard let url = environment["RAPPORT_TEST_POSTGRES"], !url.isEmpty,
            let file = environment["RAPPORT_TEST_POSTGRES_PASSWORD_FILE"], !file.isEmpty
        else { return nil }
        return (url, file)
    }

    /// The CA that signs the test server's certificate, for `sslmode=verify-full`.
    public static var certificateAuthority: String? { environment["RAPPORT_TEST_POSTGRES_CA"] }

    /// The least-privileged role's password file (`rapport_daemon`: no DDL).
    public static var daemonPasswordFile: String? { environment["RAPPORT_TEST_POSTGRES_DAEMON_PASSWORD_FILE"] }

    /// The server's data folder, for the tests that restart it.
    public static var dataFolder: String? { environment["RAPPORT_TEST_POSTGRES_DATA"] }

    /// Ends a PostgreSQL half that cannot run: under CI (`CI=true`) it fails with the reason;
    /// elsewhere it is skipped, saying which command enables it.
    public static func requireServer() throws -> (url: String, passwordFile: String) {
        if let server { return server }
        let reason = "no PostgreSQL for the tests: run eval \"$(scripts/postgres-test-setup)\" first"
        if environment["CI"] == "true" {
            Issue.record(Comment(rawValue: reason + " (CI must start it: .ci/run does)"))
            throw TestPostgresError(reason)
        }
        try Test.cancel(Comment(rawValue: "PostgreSQL half skipped: \(reason)"))
    }

    /// Runs `sql` with psql as the admin role on `database` of `server` (the test server when
    /// nil); the rows as lines of `|`-separated fields.
    @discardableResult
    public static func psql(
        _ sql: String, database: String = "postgres", server: (url: String, passwordFile: String)? = nil
    ) throws -> [String] {
        let server = try server ?? requireServer()
        guard let url = URLComponents(string: server.url) else { throw TestPostgresError("bad URL \(server.url)") }
        let password = try String(contentsOfFile: server.passwordFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [
            "-h", url.host ?? "127.0.0.1", "-p", "\(url.port ?? 5432)", "-U", url.user ?? "postgres", "-d", database,
            "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql,
        ]
        process.environment = ["PGPASSWORD": password, "PGSSLMODE": "disable", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestPostgresError("psql: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// A database of its own for one test on the test server, dropped when the last reference goes.
public final class TestDatabase: Sendable {
    public let name: String
    /// Its URL, for `[storage] database`.
    public let url: String
    /// The admin role's password file, for `[storage] password_file`.
    public let passwordFile: String

    public init() throws {
        let server = try TestPostgres.requireServer()
        name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try TestPostgres.psql("CREATE DATABASE \(name)")
        url = server.url.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
        passwordFile = server.passwordFile
    }

    /// Runs `sql` on this database.
    @discardableResult
    public func psql(_ sql: String) throws -> [String] { try TestPostgres.psql(sql, database: name) }

    deinit {
        _ = try? TestPostgres.psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}

/// A PostgreSQL cluster of a test's own, for what would disturb every other test on the shared
/// one (a restart): `scripts/postgres-test-setup` with its own folder and port, stopped and
/// removed when the last reference goes.
public final class TestCluster: Sendable {
    public let root: String
    public let server: (url: String, passwordFile: String)
    private let script: String

    public init(repository: URL, port: Int) throws {
        _ = try TestPostgres.requireServer()
        root = "/tmp/rapport-pg-\(port)"
        script = repository.appendingPathComponent("scripts/postgres-test-setup").path
        let output = try Self.run(script, [], root: root, port: port)
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            values[String(pair[0])] = String(pair[1]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        guard let url = values["RAPPORT_TEST_POSTGRES"], let file = values["RAPPORT_TEST_POSTGRES_PASSWORD_FILE"] else {
            throw TestPostgresError("postgres-test-setup printed no server: \(output)")
        }
        server = (url, file)
    }

    /// Restarts the server (`pg_ctl restart -m fast`): every connection is cut, then it is back.
    public func restart() throws {
        _ = try Self.run(
            "/usr/sbin/runuser",
            [
                "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D", "\(root)/data", "-l",
                "\(root)/server.log", "-m", "fast", "-w", "restart",
            ], root: root, port: nil)
    }

    /// Runs `program` through the shell and waits for it with waitpid(2), its output in a file:
    /// Foundation's `Process` was seen here waiting for ever on a script whose child daemonised
    /// (the server), so this one small path uses `system(3)`. Every word is the test's own.
    private static func run(_ program: String, _ arguments: [String], root: String, port: Int?) throws -> String {
        let output = "\(NSTemporaryDirectory())rapport-cluster-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let environment = "RAPPORT_PG_ROOT='\(root)'" + (port.map { " RAPPORT_PG_PORT=\($0)" } ?? "")
        let command = ([program] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let status = system("\(environment) \(command) > '\(output)' 2>/dev/null")
        guard status == 0 else { throw TestPostgresError("\(program) failed (\(status))") }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    deinit {
        _ = try? Self.run(script, ["stop"], root: root, port: nil)
    }
}

public struct TestPostgresError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
