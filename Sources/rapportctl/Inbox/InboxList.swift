import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportStorage

extension InboxCommand {
    /// `inbox ls [--json]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List what waits for a person, oldest first.")

        @Flag(help: "One JSON object per line, as the contract gives it.") var json = false
        @Flag(help: "Also list entries already done.") var all = false
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let items = try await storage.openEngine(logger: RapportCtl.logger).store.inbox(openOnly: !all)
                if json {
                    for item in items { print(try InboxItemJSON(item).line()) }
                    return
                }
                guard !items.isEmpty else {
                    print("inbox: nothing waits for a person")
                    return
                }
                for item in items {
                    let agreements =
                        item.agreements.isEmpty
                        ? "unknown sender" : item.agreements.map(\.rawValue).joined(separator: ",")
                    let state = item.state == "open" ? "" : " [\(item.action ?? "done")]"
                    print(
                        "\(item.id)  \(Timestamp.rfc3339(item.receivedAt))  \(item.channel.rawValue)  \(agreements)  "
                            + "\(item.why)\(state)"
                    )
                }
            }
        }
    }
}
