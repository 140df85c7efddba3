import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool
import RapportStorage

extension SpoolCommand {
    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release", abstract: "Release held jobs (hold/ → new/, or expired/ past their not_after).")
        @OptionGroup var selection: Selection
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await SpoolCommand.operate(storage, selection, verb: "released") { engine, jobs in
                try await engine.release(jobs, at: Date())
            }
        }
    }
}
