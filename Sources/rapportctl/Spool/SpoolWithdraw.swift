import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool
import RapportStorage

extension SpoolCommand {
    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw",
            abstract: "Withdraw waiting jobs for good (→ withdrawn/); the touchpoint is not planned again.")
        @OptionGroup var selection: Selection
        @Option(help: "Why, for the records.") var reason = "no reason given"
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await SpoolCommand.operate(storage, selection, verb: "withdrawn") { engine, jobs in
                try await engine.cancel(jobs, reason: reason, at: Date())
            }
        }
    }
}
