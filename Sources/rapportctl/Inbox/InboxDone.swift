import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportStorage

extension InboxCommand {
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
                let engine = try await storage.openEngine(logger: RapportCtl.logger)
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
