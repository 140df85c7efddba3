import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool
import RapportStorage

extension SpoolCommand {
    struct List: AsyncParsableCommand {
        /// Only job folders: `in/` and `tmp/` hold no jobs.
        func validate() throws {
            guard Spool.Folder.jobFolders.contains(state) else {
                throw ValidationError("--state must be one of new, hold, review, cur, done, failed, expired, withdrawn")
            }
        }

        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List jobs in send order.")

        @Option(help: "The folder: new, hold, review, cur, done, failed, expired, withdrawn.")
        var state = Spool.Folder.new
        @Option(help: "Only jobs for this channel.") var channel: Channel?
        @Option(help: "Only jobs of this agreement.") var agreement: Identifier?
        @Flag(help: "One JSON object per line, for tools.") var json = false
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let folder = state
                let spool = try storage.spoolOnly().spool
                var rows: [Job] = []
                for name in try spool.list(folder) {
                    guard let job = try? spool.read(Spool.Location(folder: folder, name: name)) else { continue }
                    if let channel, job.channel != channel { continue }
                    if let agreement, !job.agreements.contains(agreement) { continue }
                    rows.append(job)
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    for job in rows {
                        let line: [String: String] = [
                            "state": folder.rawValue, "file": job.fileName, "id": job.id.rawValue,
                            "agreement": job.agreement.rawValue, "kind": job.kind.rawValue,
                            "channel": job.channel.rawValue, "not_before": Timestamp.rfc3339(job.notBefore),
                            "not_after": Timestamp.rfc3339(job.notAfter),
                            "local_time": job.localTime, "timezone": job.timezone,
                        ]
                        print(String(decoding: try encoder.encode(line), as: UTF8.self))
                    }
                    return
                }
                let header = ["NOT_BEFORE (UTC)", "LOCAL TIME", "ZONE", "KIND", "CHANNEL", "AGREEMENT", "JOB"]
                let table = rows.map { job in
                    [
                        Timestamp.rfc3339(job.notBefore),
                        String(job.localTime.prefix(16)).replacingOccurrences(of: "T", with: " "), job.timezone,
                        job.kind.rawValue, job.channel.rawValue, job.agreements.map(\.rawValue).joined(separator: ","),
                        job.id.rawValue,
                    ]
                }
                print(TextTable.render(header: header, rows: table), terminator: "")
                print("\(rows.count) job(s) in \(folder.rawValue)/")
            }
        }
    }
}
