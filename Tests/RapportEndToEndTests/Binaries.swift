import Foundation
import RapportTestSupport

@testable import RapportMail
import Testing

/// A throwaway Rapport installation in a temporary folder: a config pointing at the
/// repository's templates, a database folder and a spool, and the built programs to run
/// against it, as swift-argument-parser's `AssertExecuteCommand` runs its examples.
struct Sandbox {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Where `swift build`/`swift test` put the executables.
    static let products: URL = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [
            runner, runner.deletingLastPathComponent(), repository.appendingPathComponent(".build/debug"),
        ]
        where FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("rapportd").path) {
            return candidate
        }
        return repository.appendingPathComponent(".build/debug")
    }()

    /// The sandbox's folder; it is deleted when the last copy of the sandbox goes.
    let folder: TemporaryFolder
    /// Which store its records are in.
    let kind: StoreKind
    /// Its own database on the test PostgreSQL server, dropped with the sandbox.
    let server: TestDatabase?
    var root: URL { folder.url }
    var config: String { root.appendingPathComponent("rapport.toml").path }
    /// `[storage] database`: the SQLite file, or the PostgreSQL URL.
    var database: String { server?.url ?? root.appendingPathComponent("db/rapport.sqlite").path }
    var spool: String { root.appendingPathComponent("spool").path }

    /// The result of running a program.
    struct Result {
        var code: Int32
        var out: String
        var err: String
    }

    /// A sandbox on `store`; on PostgreSQL its database is created and `rapportctl migrate`d, as
    /// an operator's would be.
    init(store: StoreKind = .sqlite, extraConfig: String = "") throws {
        folder = try TemporaryFolder("e2e")
        kind = store
        server = store == .postgres ? try TestDatabase() : nil
        try FileManager.default.createDirectory(at: folder.appending("db"), withIntermediateDirectories: true)
        let templates = Self.repository.appendingPathComponent("config/templates").path
        let storage =
            server.map { "database = \"\($0.url)\"\npassword_file = \"\($0.passwordFile)\"" }
            ?? "database = \"db/rapport.sqlite\""
        try """
        [storage]
        \(storage)
        spool = "spool"
        [templates]
        directory = "\(templates)"
        [sender]
        business_name = "Acme Lending"
        phone = "+1 800 555 0100"
        \(extraConfig)
        """.write(toFile: config, atomically: false, encoding: .utf8)
        if server != nil {
            let migrated = try run("rapportctl", ["migrate"])
            guard migrated.code == 0 else { throw TestPostgresError("rapportctl migrate: \(migrated.err)") }
        }
    }

    /// Writes `text` to a file in the sandbox and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = root.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    /// Writes `lines` to `file` in the sandbox and imports them as agreements.
    @discardableResult
    func importAgreements(_ lines: [String], file: String = "a.jsonl", _ options: [String] = []) throws -> Result {
        try run("rapportctl", ["import", "agreements", try self.file(file, lines.joined(separator: "\n"))] + options)
    }

    /// Runs `program` with `arguments` (plus `--config` unless `withConfig` is false), waiting
    /// for it to exit.
    @discardableResult
    func run(
        _ program: String, _ arguments: [String], withConfig: Bool = true, stdin: String? = nil, directory: URL? = nil
    ) throws -> Result {
        let process = try start(program, arguments, withConfig: withConfig, directory: directory)
        if let stdin {
            (process.standardInput as? Pipe)?.fileHandleForWriting.write(Data(stdin.utf8))
        }
        try? (process.standardInput as? Pipe)?.fileHandleForWriting.close()
        // Both pipes are read at once: a child that fills one while we wait on the other would
        // otherwise never finish.
        let err = CollectedOutput()
        let reader = Thread {
            err.set((process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data())
        }
        reader.start()
        let out = (process.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        process.waitUntilExit()
        let errData = err.wait()
        return Result(
            code: process.terminationStatus, out: String(decoding: out, as: UTF8.self),
            err: String(decoding: errData, as: UTF8.self))
    }

    /// Starts `program` without waiting.
    func start(
        _ program: String, _ arguments: [String], withConfig: Bool = true, directory: URL? = nil,
        environment: [String: String] = [:]
    ) throws -> Process {
        let process = Process()
        process.executableURL = Self.products.appendingPathComponent(program)
        process.arguments = arguments + (withConfig ? ["--config", config] : [])
        process.currentDirectoryURL = directory ?? root
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = Pipe()
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    /// The job files in a spool folder.
    func jobs(in folder: String = "new") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "\(spool)/\(folder)").filter {
            $0.hasSuffix(".json") && !$0.hasSuffix(".result.json")
        }.sorted()
    }

    /// A job file decoded as a plain JSON object.
    func job(_ name: String, in folder: String = "new") throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(spool)/\(folder)/\(name)"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// One agreement line due `days` local days from today in `zone`.
    static func agreementLine(
        _ id: String, zone: String, dueInDays days: Int, locale: String = "en", debtor: String? = nil
    ) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let due = calendar.date(byAdding: .day, value: days, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: due)
        let date = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        let debtorID = debtor ?? "D-\(id)"
        return
            #"{"id":"\#(id)","debtor":{"id":"\#(debtorID)","name":"Sam Rivera","preferred_name":"Sam","#
            + #""locale":"\#(locale)"},"timezone":"\#(zone)","#
            + #""contacts":{"sms":"+12145550100","email":"sam@example.org"},"consent":{"sms":true},"#
            + #""installments":[{"id":"1","due":"\#(date)","amount":"50.00"}]}"#
    }
}
