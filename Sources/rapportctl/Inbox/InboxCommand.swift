import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportStorage

/// `rapportctl inbox`: what debtors said that waits for a person (R34).
struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox", abstract: "Work through the replies that wait for a person (R34).",
        subcommands: [List.self, Show.self, Done.self])
}

/// The contract's `inbox ls --json` object.
struct InboxItemJSON: Encodable {
    var id: Int64
    var channel: String
    var receivedAt: String
    var text: String
    var agreements: [String]
    var why: String

    init(_ item: InboxItem) {
        id = item.id
        channel = item.channel.rawValue
        receivedAt = Timestamp.rfc3339(item.receivedAt)
        text = item.text
        agreements = item.agreements.map(\.rawValue)
        why = item.why
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, text, agreements, why
        case receivedAt = "received_at"
    }

    func line() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
