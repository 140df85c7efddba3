import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool
import RapportStorage

extension SpoolCommand {
    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hold", abstract: "Hold waiting jobs back from delivery tools (new/ → hold/).")
        @OptionGroup var selection: Selection
        @Option(help: "Why, for the records.") var reason = "no reason given"
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await SpoolCommand.operate(storage, selection, verb: "held") { engine, jobs in
                try await engine.hold(jobs, reason: reason, at: Date())
            }
        }
    }
}
