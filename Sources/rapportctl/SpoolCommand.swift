import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool
import RapportStorage

/// `rapportctl spool …`: the spool as a mail queue, for delivery tools and operators.
struct SpoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool", abstract: "Inspect and operate the spool.",
        discussion:
            "claim, ack, ls and stats need only the spool (delivery tools run them); hold, release, withdraw and show "
            + "also use the database.",
        subcommands: [List.self, Show.self, Claim.self, Ack.self, Hold.self, Release.self, Withdraw.self, Stats.self])

    /// The job a command names: a job id, a unique prefix of one (`j-400fed`, as git takes a
    /// commit), a file name or a file path; `among` lists the ids it may be.
    static func jobKey(_ text: String, among ids: () throws -> [String]) throws -> String {
        let key = (text as NSString).lastPathComponent
        let id = key.hasSuffix(".json") ? JobFileName(key)?.id ?? key : key
        if Job.isValidID(id) { return id }
        guard id.hasPrefix("j-"), id.count >= 4, id.dropFirst(2).allSatisfy(\.isHexDigit) else {
            throw Failure(.usage, "\"\(text)\" is not a job id (j-…), a prefix of one, or a job file")
        }
        let matches = Set(try ids().filter { $0.hasPrefix(id) })
        guard let only = matches.first else { throw Failure(.dataError, "no job id starts with \(id)") }
        guard matches.count == 1 else {
            throw Failure(.usage, "\(id) is ambiguous: \(matches.count) jobs start with it; give more of the id")
        }
        return only
    }

    /// The ids of the job files in the spool's job folders.
    static func ids(in spool: Spool) throws -> [String] {
        try Spool.Folder.jobFolders.flatMap { try spool.list($0) }.compactMap { JobFileName($0)?.id }
    }

    static func channel(_ text: String?) throws(Failure) -> Channel? {
        guard let text else { return nil }
        guard let channel = Channel(rawValue: text) else {
            throw Failure(.usage, "--channel \"\(text)\" is not one of sms, email, voice, letter")
        }
        return channel
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List jobs in send order.")

        @Option(help: "The folder: new, hold, review, cur, done, failed, expired, withdrawn.") var state = "new"
        @Option(help: "Only jobs for this channel.") var channel: String?
        @Option(help: "Only jobs of this agreement.") var agreement: String?
        @Flag(help: "One JSON object per line, for tools.") var json = false
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                guard let folder = Spool.Folder(rawValue: state), Spool.Folder.jobFolders.contains(folder) else {
                    throw Failure(
                        .usage,
                        "--state \"\(state)\" is not one of new, hold, review, cur, done, failed, expired, withdrawn")
                }
                let channel = try SpoolCommand.channel(channel)
                let spool = try storage.spoolOnly().spool
                var rows: [Job] = []
                for name in try spool.list(folder) {
                    guard let job = try? spool.read(Spool.Location(folder: folder, name: name)) else { continue }
                    if let channel, job.channel != channel { continue }
                    if let agreement, !job.agreements.map(\.rawValue).contains(agreement) { continue }
                    rows.append(job)
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    for job in rows {
                        let line: [String: String] = [
                            "state": folder.rawValue, "file": job.fileName, "id": job.id,
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
                        job.id,
                    ]
                }
                print(TextTable.render(header: header, rows: table), terminator: "")
                print("\(rows.count) job(s) in \(folder.rawValue)/")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a job's message as the debtor will see it, why it was planned, and its history.")

        @Argument(help: "A job id or the path of a job file.") var job: String
        @Flag(help: "Show the recipient's address instead of a redacted one.") var reveal = false
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let engine = try storage.openEngine(logger: RapportCtl.logger)
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

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "claim",
            abstract:
                "Claim the oldest ready job (new/ → cur/) and print its path; print nothing when none is "
                + "ready.",
            discussion:
                "Never claims a job whose not_before is still ahead. Any number of delivery processes may claim at "
                + "once: each job is claimed once."
        )

        @Option(help: "Only claim jobs for this channel.") var channel: String?
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                let channel = try SpoolCommand.channel(channel)
                let spool = try storage.spoolOnly().spool
                if let claimed = try spool.claim(channel: channel, at: Date()) {
                    print(spool.path(claimed.folder, claimed.name))
                }
            }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Record a claimed job's outcome: cur/ → done/ or failed/, with NAME.result.json beside it.")

        @Argument(help: "The claimed job: its id or its path.") var job: String
        @Option(help: "delivered or failed.") var status: String
        @Option(help: "What happened, in words (a bounce reason, a gateway error).") var detail: String?
        @Option(name: .customLong("provider-id"), help: "The delivery provider's message id.") var providerID: String?
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await command {
                guard status == "delivered" || status == "failed" else {
                    throw Failure(.usage, "--status must be delivered or failed, not \"\(status)\"")
                }
                let spool = try storage.spoolOnly().spool
                let id = try SpoolCommand.jobKey(job) { try SpoolCommand.ids(in: spool) }
                guard let name = try spool.list(.cur).first(where: { $0.hasSuffix("_\(id).json") }) else {
                    throw Failure(.dataError, try SpoolCommand.notClaimed(id, spool: spool))
                }
                let location = try spool.acknowledge(
                    name,
                    outcome: Outcome(
                        delivered: status == "delivered", at: Date(), detail: detail, providerID: providerID))
                print(spool.path(location.folder, location.name))
            }
        }
    }

    /// Why a job cannot be acknowledged: where it is instead.
    static func notClaimed(_ id: String, spool: Spool) throws -> String {
        guard let location = try spool.find(id: id) else { return "job \(id) is not in the spool \(spool.root)" }
        switch location.folder {
        case .done, .failed: return "job \(id) was already acknowledged (\(location.folder.rawValue)/); nothing to do"
        case .new: return "job \(id) waits in new/: a delivery tool claims it first (rapportctl spool claim)"
        default:
            return "job \(id) is in \(location.folder.rawValue)/, not claimed; only a job in cur/ can be acknowledged"
        }
    }

    /// The jobs an operator command names: one job, or `--agreement`'s.
    struct Selection: ParsableArguments {
        @Argument(help: "A job id or job file.") var job: String?
        @Option(help: "Every waiting job of this agreement instead.") var agreement: String?

        func resolve(_ engine: Engine) async throws -> [StoredJobLookup] {
            switch (job, agreement) {
            case (let job?, nil):
                let id = try SpoolCommand.jobKey(job) { try SpoolCommand.ids(in: engine.spool) }
                let found = try await engine.jobs(id: id, agreement: nil)
                guard !found.isEmpty else { throw Failure(.dataError, "job \(id) is not known") }
                return found
            case (nil, let agreement?):
                guard let id = Identifier(agreement) else {
                    throw Failure(.usage, "--agreement \"\(agreement)\" is not a valid id")
                }
                return try await engine.jobs(id: nil, agreement: id)
            default:
                throw Failure(.usage, "name one job, or --agreement ID")
            }
        }
    }

    /// Runs an operator action on the selected jobs and prints what became of each.
    static func operate(
        _ storage: StorageOptions, _ selection: Selection, verb: String,
        _ action: (Engine, [StoredJobLookup]) async throws -> [OperatorResult]
    ) async throws {
        try await command {
            let engine = try storage.openEngine(logger: RapportCtl.logger)
            let results = try await action(engine, try selection.resolve(engine))
            for result in results {
                print("\(result.changed ? verb : "unchanged (\(result.state.rawValue))"): \(result.fileName)")
            }
            if results.isEmpty { print("no waiting job to act on") }
        }
    }

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hold", abstract: "Hold waiting jobs back from delivery tools (new/ → hold/).")
        @OptionGroup var selection: Selection
        @Option(help: "Why, for the records.") var reason = "no reason given"
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await SpoolCommand.operate(storage, selection, verb: "held") { engine, jobs in
                try await engine.hold(jobs, reason: reason, at: Date())
            }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release", abstract: "Release held jobs (hold/ → new/, or expired/ past their not_after).")
        @OptionGroup var selection: Selection
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await SpoolCommand.operate(storage, selection, verb: "released") { engine, jobs in
                try await engine.release(jobs, at: Date())
            }
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw",
            abstract: "Withdraw waiting jobs for good (→ withdrawn/); the touchpoint is not planned again.")
        @OptionGroup var selection: Selection
        @Option(help: "Why, for the records.") var reason = "no reason given"
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await SpoolCommand.operate(storage, selection, verb: "withdrawn") { engine, jobs in
                try await engine.cancel(jobs, reason: reason, at: Date())
            }
        }
    }

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

typealias StoredJobLookup = RapportStorage.StoredJob

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
