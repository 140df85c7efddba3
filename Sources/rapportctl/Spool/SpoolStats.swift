import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool
import RapportStorage

extension SpoolCommand {
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats", abstract: "Count jobs per folder and channel; the oldest waiting job; stale claims.")
        @Flag(help: "One JSON object, for tools.") var json = false
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let (spool, settings) = try storage.spoolOnly()
                let lease = TimeInterval((settings?.delivery.claimLeaseMinutes ?? 60) * 60)
                let now = Date()
                let stats = try SpoolStats(spool: spool, now: now, lease: lease)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(stats), as: UTF8.self))
                    return
                }
                let channels = Channel.allCases.map(\.rawValue)
                let rows = stats.folders.map { folder in
                    [folder.name] + channels.map { String(folder.channels[$0] ?? 0) } + [String(folder.total)]
                }
                print(
                    TextTable.render(header: ["FOLDER"] + channels.map { $0.uppercased() } + ["TOTAL"], rows: rows),
                    terminator: "")
                if let oldest = stats.oldestReadySeconds {
                    print("oldest ready job in new/: waiting \(Int(oldest / 60)) min past its not_before")
                } else {
                    print("no job in new/ is past its not_before")
                }
                print("stale claims (in cur/ longer than \(Int(lease / 60)) min): \(stats.staleClaims)")
            }
        }
    }
}

/// What `spool stats` reports.
struct SpoolStats: Encodable {
    struct Folder: Encodable {
        var name: String
        var channels: [String: Int]
        var total: Int
    }

    var folders: [Folder] = []
    /// How long the oldest ready job in `new/` has waited past its `not_before`.
    var oldestReadySeconds: Double?
    var staleClaims = 0

    init(spool: Spool, now: Date, lease: TimeInterval) throws {
        for folder in Spool.Folder.jobFolders {
            let names = try spool.list(folder)
            var channels: [String: Int] = [:]
            for name in names {
                if let channel = JobFileName(name)?.channel { channels[channel.rawValue, default: 0] += 1 }
            }
            folders.append(Folder(name: folder.rawValue, channels: channels, total: names.count))
            if folder == .new, let first = names.first, let notBefore = Spool.notBefore(ofFileName: first),
                notBefore <= now
            {
                oldestReadySeconds = now.timeIntervalSince(notBefore)
            }
            if folder == .cur {
                staleClaims = try names.filter { name in
                    (try spool.movedAt(Spool.Location(folder: .cur, name: name))).map {
                        now.timeIntervalSince($0) > lease
                    } ?? false
                }.count
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case folders
        case oldestReadySeconds = "oldest_ready_seconds"
        case staleClaims = "stale_claims"
    }
}
