import ArgumentParser
import Foundation
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
                + "once: each job is claimed once."
        )

        @Option(help: "Only claim jobs for this channel.") var channel: Channel?
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let spool = try storage.spoolOnly().spool
                if let claimed = try spool.claim(channel: channel, at: Date()) {
                    print(spool.path(claimed.folder, claimed.name))
                }
            }
        }
    }
}
