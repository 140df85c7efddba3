import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool
import RapportStorage

extension SpoolCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a job's message as the debtor will see it, why it was planned, and its history.")

        @Argument(help: "A job id or the path of a job file.") var job: String
        @Flag(help: "Show the recipient's address instead of a redacted one.") var reveal = false
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let engine = try await storage.openEngine(logger: RapportCtl.logger)
                let id = try SpoolCommand.jobKey(job) { try SpoolCommand.ids(in: engine.spool) }
                guard let location = try engine.spool.find(id: id) else {
                    throw Failure(.dataError, "job \(id) is not in the spool")
                }
                let found: Job
                do { found = try engine.spool.read(location) } catch {
                    throw Failure(
                        .dataError, "\(engine.spool.path(location.folder, location.name)): not a readable job file")
                }
                let latest =
                    ZoneClock(identifier: found.timezone)?.rfc3339(found.notAfter) ?? Timestamp.rfc3339(found.notAfter)
                var lines = [
                    "job \(found.id)  [\(location.folder.rawValue)/\(location.name)]",
                    "\(found.kind.rawValue) by \(found.channel.rawValue) to "
                        + "\(reveal ? found.to : Redaction.redact(found.to, channel: found.channel)) · agreement "
                        + "\(found.agreements.map(\.rawValue).joined(separator: ", ")) · debtor \(found.debtor) · "
                        + "\(found.locale)",
                    "send between \(found.localTime) and \(latest) (\(found.timezone))",
                    "reason: \(found.reason)",
                    "",
                ]
                if let subject = found.subject {
                    lines.append("Subject: \(subject)")
                    lines.append("")
                }
                lines.append(found.body)
                if let outcome = engine.spool.outcome(of: location) {
                    lines.append("")
                    lines.append(
                        "outcome: \(outcome.status) at \(outcome.at)" + (outcome.detail.map { ": \($0)" } ?? ""))
                }
                if let stored = try await engine.store.job(found.id) {
                    lines.append("")
                    lines.append("history:")
                    for record in try await engine.store.decisions(of: stored.agreement, limit: 500)
                    where record.jobID == found.id {
                        lines.append("  \(Timestamp.rfc3339(record.at))  \(record.outcome): \(record.reason)")
                    }
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }
}
