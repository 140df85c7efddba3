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

    /// `inbox done N --action reply|cease|opt_out|none [--reason TEXT]`.
    struct Done: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "done", abstract: "Close an entry with what a person decided; the action records its event.",
            discussion: """
                reply: a reply event on each agreement (resets R10's backoff); cease: a cease-communication \
                notice (R12); opt_out: the channel opted out by a person (a START cannot undo it); none: nothing.
                """)

        /// What a person decided.
        enum Action: String, ExpressibleByArgument, CaseIterable {
            case reply, cease
            case optOut = "opt_out"
            case none
        }

        @Argument(help: "The entry's number, from inbox ls.") var id: Int64
        @Option(help: "reply, cease, opt_out or none.") var action: Action
        @Option(help: ArgumentHelp("Why, in words.", valueName: "text")) var reason: String?
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let engine = try storage.openEngine(logger: RapportCtl.logger)
                guard let item = try await engine.store.inboxItem(id) else {
                    throw Failure(.dataError, "inbox entry \(id) does not exist; see rapportctl inbox ls")
                }
                guard item.state == "open" else {
                    throw Failure(.dataError, "inbox entry \(id) is already done (\(item.action ?? "done"))")
                }
                if item.agreements.isEmpty, action != .none {
                    throw Failure(.dataError, "inbox entry \(id) is from an unknown sender: only --action none applies")
                }
                let now = Date()
                let events: [Event] = item.agreements.compactMap { agreement in
                    switch action {
                    case .reply:
                        Event(agreement: agreement, type: .reply, at: now, channel: item.channel, reason: reason)
                    case .cease: Event(agreement: agreement, type: .cease, at: now, reason: reason)
                    case .optOut:
                        Event(
                            agreement: agreement, type: .optOut, at: now, channel: item.channel,
                            reason: reason ?? "inbox")
                    case .none: nil
                    }
                }
                guard try await engine.closeInbox(id, action: action.rawValue, reason: reason, events: events, at: now)
                else {
                    throw Failure(.dataError, "inbox entry \(id) is already done")
                }
                print("inbox \(id): \(action.rawValue)" + (events.isEmpty ? "" : "; \(events.count) event(s) recorded"))
            }
        }
    }
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
