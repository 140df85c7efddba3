import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool

/// `rapportctl spool …`: look into the spool.
struct SpoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool", abstract: "Inspect the spool.", subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List jobs in send order.")

        @Option(help: "The folder: new, cur, done, failed, expired, withdrawn.") var state = "new"
        @Option(help: "Only jobs for this channel.") var channel: String?
        @Option(help: "Only jobs of this agreement.") var agreement: String?
        @Flag(help: "One JSON object per line, for tools.") var json = false
        @OptionGroup var storage: StorageOptions

        func run() throws {
            try command {
                guard let folder = Spool.Folder(rawValue: state), folder != .tmp else {
                    throw Failure(.usage, "--state \"\(state)\" is not one of new, cur, done, failed, expired, withdrawn")
                }
                if let channel, Channel(rawValue: channel) == nil { throw Failure(.usage, "--channel \"\(channel)\" is not one of sms, email, voice, letter") }
                let engine = try storage.openEngine(logger: RapportCtl.logger)
                var rows: [Job] = []
                for name in try engine.spool.list(folder) {
                    guard let job = try? engine.spool.read(Spool.Location(folder: folder, name: name)) else { continue }
                    if let channel, job.channel.rawValue != channel { continue }
                    if let agreement, !job.agreements.map(\.rawValue).contains(agreement) { continue }
                    rows.append(job)
                }
                if json {
                    for job in rows {
                        let line: [String: String] = [
                            "state": folder.rawValue, "file": job.fileName, "id": job.id, "agreement": job.agreement.rawValue, "kind": job.kind.rawValue,
                            "channel": job.channel.rawValue, "not_before": Timestamp.rfc3339(job.notBefore), "not_after": Timestamp.rfc3339(job.notAfter),
                            "local_time": job.localTime, "timezone": job.timezone,
                        ]
                        let encoder = JSONEncoder()
                        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                        print(String(decoding: try encoder.encode(line), as: UTF8.self))
                    }
                    return
                }
                let header = ["NOT_BEFORE (UTC)", "LOCAL TIME", "ZONE", "KIND", "CHANNEL", "AGREEMENT", "JOB"]
                let table = rows.map { job in
                    [Timestamp.rfc3339(job.notBefore), String(job.localTime.prefix(16)).replacingOccurrences(of: "T", with: " "), job.timezone, job.kind.rawValue, job.channel.rawValue, job.agreements.map(\.rawValue).joined(separator: ","), job.id]
                }
                print(TextTable.render(header: header, rows: table), terminator: "")
                print("\(rows.count) job(s) in \(folder.rawValue)/")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a job's message as the debtor will see it, and why it was planned.")

        @Argument(help: "A job id or the path of a job file.") var job: String
        @Flag(help: "Show the recipient's address instead of a redacted one.") var reveal = false
        @OptionGroup var storage: StorageOptions

        func run() throws {
            try command {
                let engine = try storage.openEngine(logger: RapportCtl.logger)
                let key = (job as NSString).lastPathComponent
                guard Job.isValidID(key) || Spool.isJobFileName(key) else { throw Failure(.usage, "\"\(job)\" is not a job id (j-…) or a job file name") }
                guard let location = try engine.spool.find(id: key) else { throw Failure(.dataError, "job \(key) is not in the spool") }
                let found: Job
                do { found = try engine.spool.read(location) } catch { throw Failure(.dataError, "\(engine.spool.path(location.folder, location.name)): not a readable job file") }
                var lines = [
                    "job \(found.id)  [\(location.folder.rawValue)/\(location.name)]",
                    "\(found.kind.rawValue) by \(found.channel.rawValue) to \(reveal ? found.to : Redaction.redact(found.to, channel: found.channel)) · agreement \(found.agreements.map(\.rawValue).joined(separator: ", ")) · debtor \(found.debtor) · \(found.locale)",
                    "send between \(found.localTime) and \(ZoneClock(identifier: found.timezone)?.rfc3339(found.notAfter) ?? Timestamp.rfc3339(found.notAfter)) (\(found.timezone))",
                    "reason: \(found.reason)",
                    "",
                ]
                if let subject = found.subject { lines.append("Subject: \(subject)") ; lines.append("") }
                lines.append(found.body)
                if let stored = try engine.store.job(found.id) {
                    lines.append("")
                    lines.append("history:")
                    for record in try engine.store.decisions(of: stored.agreement, limit: 200) where record.jobID == found.id {
                        lines.append("  \(Timestamp.rfc3339(record.at))  \(record.outcome): \(record.reason)")
                    }
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }
}

/// Addresses shown to operators without exposing them in screenshots and tickets.
enum Redaction {
    static func redact(_ address: String, channel: Channel) -> String {
        switch channel {
        case .sms, .voice:
            guard address.count > 6 else { return "•••" }
            return String(address.prefix(4)) + String(repeating: "•", count: address.count - 6) + String(address.suffix(2))
        case .email:
            guard let at = address.firstIndex(of: "@") else { return "•••" }
            return String(address.prefix(1)) + "•••" + String(address[at...])
        case .letter:
            return "(postal address hidden)"
        }
    }
}

/// A plain-text table with columns padded to their widest cell.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }
                .joined(separator: "  ") + "\n"
        }
        return ([header] + rows).map(line).joined()
    }
}
