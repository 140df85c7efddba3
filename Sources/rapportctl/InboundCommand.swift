import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl inbound FILE|-`: replies, bounces and unsubscribes in (R31–R35), applied at once.
struct InboundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbound",
        abstract: "Apply inbound messages (replies, bounces, unsubscribes) from JSON Lines at once.",
        discussion: """
            Each line is one inbound message of the contract ("Replies in"). Its effects are recorded and the \
            waiting jobs they make obsolete are withdrawn at once; the same message twice has one effect. \
            Bad lines are reported with their number and skipped (exit 65).
            """)

    @Argument(help: "The JSON Lines file, or - for standard input.") var file: String
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            let input = try openInput(file)
            defer { if input != STDIN_FILENO { close(input) } }
            let engine = try await storage.openEngine(logger: RapportCtl.logger)
            let source = file == "-" ? "stdin" : file
            var outcomes: [String: Int] = [:]
            var duplicates = 0
            var rejected = 0
            var withdrawn = 0
            for line in JSONLines(descriptor: input) {
                guard case .text(let number, let text) = line else {
                    printError("\(source):\(line.number): \(line.problem ?? "unreadable")")
                    rejected += 1
                    continue
                }
                guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                let message: InboundMessage
                do throws(ImportError) {
                    message = try InboundImport.parse(line: text)
                } catch {
                    printError("\(source):\(number): \(error.message)")
                    rejected += 1
                    continue
                }
                switch try await engine.receive(message, at: Date()) {
                case .duplicate:
                    duplicates += 1
                case .applied(let outcome, let taken):
                    outcomes[outcome.rawValue, default: 0] += 1
                    withdrawn += taken
                }
            }
            let applied = outcomes.values.reduce(0, +)
            let kinds = outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print(
                "inbound: \(applied) applied\(kinds.isEmpty ? "" : " (\(kinds))"), \(duplicates) duplicate, "
                    + "\(rejected) rejected"
                    + (withdrawn > 0 ? "; \(withdrawn) waiting job(s) withdrawn" : ""))
            if rejected > 0 { throw ExitCode(SysExit.dataError.rawValue) }
        }
    }
}
