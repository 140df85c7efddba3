import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool

/// `rapportctl status`: counts by state and the last tick.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show agreements and jobs by state, the spool and the last tick.")

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            let engine = try await storage.openEngine(logger: RapportCtl.logger)
            let status = try await engine.store.status()
            func counts(_ table: [String: Int]) -> String {
                table.isEmpty
                    ? "none" : table.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            }
            let byOutcome = Dictionary(
                uniqueKeysWithValues: status.agreementsByOutcome.map { ($0.key.rawValue, $0.value) })
            print("agreements: \(status.agreements) (\(counts(byOutcome)))")
            print("jobs: \(counts(status.jobsByState))")
            print("events: \(status.events)")
            let inbound = try await engine.store.inboundCounts()
            print(
                "inbox: \(inbound.inboxOpen) waiting for a person (rapportctl inbox ls); inbound: "
                    + "\(counts(inbound.byOutcome))"
            )
            var folders: [String: Int] = [:]
            let shown = Spool.Folder.jobFolders + [.inbound, .inboundBad]
            for folder in shown {
                folders[folder.rawValue] = try engine.spool.list(folder).count
            }
            print(
                "spool \(engine.spool.root): "
                    + "\(shown.map { "\($0.rawValue) \(folders[$0.rawValue] ?? 0)" }.joined(separator: ", "))"
            )
            if let tick = status.lastTick {
                print(
                    "last tick: \(Timestamp.rfc3339(tick.startedAt)): \(tick.due) planned, \(tick.spooled) spooled, "
                        + "\(tick.withdrawn) withdrawn, \(tick.dropped) dropped, \(tick.expired) expired"
                        + String(format: " (%.2f s)", tick.finishedAt.timeIntervalSince(tick.startedAt)))
            } else {
                print("last tick: never")
            }
            let now = Date()
            if let next = status.nextActionAt, next <= now {
                let due = try await engine.store.dueCount(at: now)
                print("next planning: now: \(due) agreement(s) due (rapportd plans them at its next tick)")
            } else {
                print("next planning: \(status.nextActionAt.map(Timestamp.rfc3339) ?? "when new input arrives")")
            }
            if let blocked = status.agreementsByOutcome[.blocked], blocked > 0 {
                print("blocked: \(blocked) (rapportctl agreements ls --state blocked lists them)")
            }
        }
    }
}
