import ArgumentParser
import Foundation
import Logging
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool
import RapportStorage

extension SpoolCommand {
    /// What a delivery tool reports of a claimed job.
    enum AckStatus: String, ExpressibleByArgument, CaseIterable {
        case delivered, failed
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Record a claimed job's outcome: cur/ → done/ or failed/, with NAME.result.json beside it.")

        @Argument(help: "The claimed job: its id or its path.") var job: String
        @Option(help: "delivered or failed.") var status: AckStatus
        @Option(help: "What happened, in words (a bounce reason, a gateway error).") var detail: String?
        @Option(name: .customLong("provider-id"), help: "The delivery provider's message id.") var providerID: String?
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let claims = try await storage.deliveryClaims(logger: Logger(label: "rapportctl"))
                let spool = claims.spool
                let id = try SpoolCommand.jobKey(job) { try SpoolCommand.ids(in: spool) }
                guard let name = try spool.list(.cur).first(where: { $0.hasSuffix("_\(id).json") }) else {
                    throw Failure(.dataError, try SpoolCommand.notClaimed(id, spool: spool))
                }
                let outcome = Outcome(
                    delivered: status == .delivered, at: Date(), detail: detail, providerID: providerID)
                do {
                    let location = try await claims.acknowledge(name, outcome: outcome)
                    print(spool.path(location.folder, location.name))
                } catch let refused as NotClaimed {
                    throw Failure(.dataError, refused.description)
                }
            }
        }
    }
}
