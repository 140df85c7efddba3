import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportStorage

extension InboxCommand {
    /// `inbox show N`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one entry, with the debtor's words.")

        @Argument(help: "The entry's number, from inbox ls.") var id: Int64
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                guard let item = try await storage.openEngine(logger: RapportCtl.logger).store.inboxItem(id) else {
                    throw Failure(.dataError, "inbox entry \(id) does not exist; see rapportctl inbox ls")
                }
                print("entry:       \(item.id) (\(item.state)\(item.action.map { ": \($0)" } ?? ""))")
                print("received:    \(Timestamp.rfc3339(item.receivedAt)) by \(item.channel.rawValue) (\(item.kind))")
                print("from:        \(item.address ?? "unknown")")
                let agreements = item.agreements.map(\.rawValue).joined(separator: ", ")
                print("agreements:  \(item.agreements.isEmpty ? "none: unknown sender" : agreements)")
                print("done so far: \(item.outcome)")
                print("why:         \(item.why)")
                if let job = item.inReplyTo { print("answers:     \(job)") }
                if let reason = item.reason { print("reason:      \(reason)") }
                print("")
                print(item.text)
            }
        }
    }
}
