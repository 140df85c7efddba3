import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportStorage

/// `rapportctl agreements ls`: which agreements are in which state, e.g. the blocked ones
/// `status` counts.
struct AgreementsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreements", abstract: "List agreements with what the planner last decided.",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List agreements, optionally in one state.")

        @Option(help: "Only agreements whose last decision was send, wait, blocked, idle, or new (not planned yet).")
        var state: PlanOutcome?
        @Flag(help: "One JSON object per line, for tools.") var json = false
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let listing = try await storage.openEngine(logger: RapportCtl.logger).store.agreementList(
                    outcome: state)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    encoder.dateEncodingStrategy = .custom { date, encoder in
                        var container = encoder.singleValueContainer()
                        try container.encode(Timestamp.rfc3339(date))
                    }
                    encoder.keyEncodingStrategy = .convertToSnakeCase
                    for item in listing { print(String(decoding: try encoder.encode(item), as: UTF8.self)) }
                    return
                }
                guard !listing.isEmpty else {
                    print("no agreement\(state.map { " is \($0.rawValue)" } ?? "")")
                    return
                }
                let rows = listing.map {
                    [$0.id, $0.debtor, $0.outcome.rawValue, $0.nextActionAt.map(Timestamp.rfc3339) ?? "-", $0.summary]
                }
                print(
                    TextTable.render(header: ["AGREEMENT", "DEBTOR", "STATE", "NEXT", "WHY"], rows: rows),
                    terminator: "")
            }
        }
    }
}
