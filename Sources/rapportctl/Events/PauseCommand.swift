import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl pause ID [--until DATE] --reason TEXT` (R17).
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause all contact on an agreement, optionally until a date, always with a reason (R17).")

    @Argument(help: "The agreement id.") var agreement: Identifier
    @Option(help: ArgumentHelp("The last local date of the pause (YYYY-MM-DD).", valueName: "date")) var until: String?
    @Option(help: ArgumentHelp("Why the agreement is paused.", valueName: "text")) var reason: String
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Failure(.usage, "--reason must say why the agreement is paused")
            }
            if let until {
                guard let last = LocalDate(until) else {
                    throw Failure(.usage, "--until \"\(until)\" is not a date YYYY-MM-DD (the pause's last day)")
                }
                let today = LocalDate(String(Timestamp.rfc3339(Date()).prefix(10))) ?? last
                guard last >= today.adding(days: -1) else {
                    throw Failure(.usage, "--until \(until) is in the past; a pause lasts until today or a later date")
                }
            }
            var options = try EventOptions.parse([])
            options.until = until
            options.reason = reason
            try await record(.pause, agreement: agreement, options: options, storage: storage, verb: "pause")
        }
    }
}
