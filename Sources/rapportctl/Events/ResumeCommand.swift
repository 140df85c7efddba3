import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl resume ID`.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "End an operator pause (R17).")

    @Argument(help: "The agreement id.") var agreement: Identifier
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            try await record(
                .resume, agreement: agreement, options: try EventOptions.parse([]), storage: storage, verb: "resume")
        }
    }
}
