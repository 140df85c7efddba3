import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl record ID TYPE [options]`.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record an event for an agreement (payment, promise, reply, cease, dispute ...).")

    @Argument(help: "The agreement id.") var agreement: Identifier
    @Argument(help: ArgumentHelp("The event type: \(EventType.allCases.map(\.rawValue).joined(separator: ", "))."))
    var type: String
    @OptionGroup var options: EventOptions
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            guard let type = EventType(rawValue: type) else {
                throw Failure(
                    .usage,
                    "\"\(self.type)\" is not an event type; use one of "
                        + "\(EventType.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            try await record(type, agreement: agreement, options: options, storage: storage)
        }
    }
}
