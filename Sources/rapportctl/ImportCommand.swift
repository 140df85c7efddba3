import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl import agreements|events FILE|-`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import agreements or events from JSON Lines.",
        subcommands: [Agreements.self, Events.self])

    struct Agreements: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import agreements (one JSON object per line); re-importing an id updates it.",
            discussion:
                "Bad lines are reported with their number and skipped (exit 65); with --strict nothing is imported if "
                + "any line is bad."
        )

        @Argument(help: "The JSON Lines file, or - for standard input.") var file: String
        @Flag(help: "Import nothing if any line is bad.") var strict = false
        @Flag(help: "Let a line move an existing agreement to another debtor.id (its adjustments are reset).")
        var allowDebtorChange = false
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let input = try openInput(file)
                defer { if input != STDIN_FILENO { close(input) } }
                let engine = try await storage.openEngine(logger: RapportCtl.logger, creating: true)
                let started = Date()
                let report = try await Importer(store: engine.store).importAgreements(
                    JSONLines(descriptor: input), strict: strict, allowDebtorChange: allowDebtorChange, at: Date()
                ) { lines in
                    let seconds = max(0.001, Date().timeIntervalSince(started))
                    printError("import: \(lines) lines read, \(Int(Double(lines) / seconds)) lines/s")
                }
                let source = file == "-" ? "stdin" : file
                for rejection in report.rejected { printError("\(source):\(rejection.line): \(rejection.message)") }
                for change in report.debtorChanges where !report.abandoned {
                    print(
                        "\(source):\(change.line): \(change.agreement) moved from debtor \(change.from) to "
                            + "\(change.to): adjustments reset "
                            + "(they were the other person's wishes); pauses, stops and events carried (they belong to "
                            + "the agreement); "
                            + "contact history stays with \(change.from), so pacing starts afresh")
                }
                let counts = report.agreements
                print(
                    "agreements: \(counts.imported) imported, \(counts.updated) updated, \(counts.unchanged) "
                        + "unchanged, \(report.rejected.count) rejected"
                        + (report.abandoned ? " (--strict: nothing imported)" : ""))
                if !report.rejected.isEmpty { throw ExitCode(SysExit.dataError.rawValue) }
            }
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Import events (payments, promises, stops ...) from JSON Lines; the same event twice is stored once.",
            discussion: "Waiting jobs the events make obsolete (a payment, a cease, a pause ...) are withdrawn at once."
        )

        @Argument(help: "The JSON Lines file, or - for standard input.") var file: String
        @Flag(help: "Import nothing if any line is bad.") var strict = false
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let data = try readInput(file)
                let engine = try await storage.openEngine(logger: RapportCtl.logger, creating: true)
                let now = Date()
                let (events, report) = try await Importer(store: engine.store).validateEvents(data, strict: strict)
                let source = file == "-" ? "stdin" : file
                for rejection in report.rejected { printError("\(source):\(rejection.line): \(rejection.message)") }
                let (added, withdrawn) = try await engine.record(events, at: now)
                print(
                    "events: \(added) recorded, \(events.count - added) duplicate, \(report.rejected.count) rejected"
                        + (report.abandoned ? " (--strict: nothing imported)" : "")
                        + (withdrawn > 0 ? "; \(withdrawn) waiting job(s) withdrawn" : ""))
                if !report.rejected.isEmpty { throw ExitCode(SysExit.dataError.rawValue) }
            }
        }
    }
}

/// Prints one line on standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
