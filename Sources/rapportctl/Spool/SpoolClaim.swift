import ArgumentParser
import Foundation
import Logging
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool
import RapportStorage

extension SpoolCommand {
    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "claim",
            abstract:
                "Claim the oldest ready job (new/ → cur/) and print its path; print nothing when none is "
                + "ready.",
            discussion:
                "Never claims a job whose not_before is still ahead. Any number of delivery processes may claim at "
                + "once: each job is claimed once. With [cluster] the claim is made in the database first, from "
                + "any host; a file renamed into cur/ by hand is not a claim and is put back."
        )

        @Option(help: "Only claim jobs for this channel.") var channel: Channel?
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let claims = try await storage.deliveryClaims(logger: Logger(label: "rapportctl"))
                if let claimed = try await claims.claim(channel: channel, at: Date()) {
                    print(claims.spool.path(claimed.folder, claimed.name))
                }
            }
        }
    }
}
