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
    static func jobKey(_ text: String, among ids: () throws -> [JobID]) throws -> JobID {
        let key = (text as NSString).lastPathComponent
        if key.hasSuffix(".json"), let name = JobFileName(key) { return name.id }
        if let id = JobID(key) { return id }
        let id = key
        guard id.hasPrefix("j-"), id.count >= 4, id.dropFirst(2).allSatisfy(\.isHexDigit) else {
            throw Failure(.usage, "\"\(text)\" is not a job id (j-…), a prefix of one, or a job file")
        }
        let matches = Set(try ids().filter { $0.rawValue.hasPrefix(id) })
        guard let only = matches.first else { throw Failure(.dataError, "no job id starts with \(id)") }
        guard matches.count == 1 else {
            throw Failure(.usage, "\(id) is ambiguous: \(matches.count) jobs start with it; give more of the id")
        }
        return only
    }

    /// The ids of the job files in the spool's job folders.
    static func ids(in spool: Spool) throws -> [JobID] {
        try Spool.Folder.jobFolders.flatMap { try spool.list($0) }.compactMap { JobFileName($0)?.id }
    }

    /// Why a job cannot be acknowledged: where it is instead.
    static func notClaimed(_ id: JobID, spool: Spool) throws -> String {
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
        @Option(help: "Every waiting job of this agreement instead.") var agreement: Identifier?

        func resolve(_ engine: Engine) async throws -> [StoredJobLookup] {
            switch (job, agreement) {
            case (let job?, nil):
                let id = try SpoolCommand.jobKey(job) { try SpoolCommand.ids(in: engine.spool) }
                let found = try await engine.jobs(id: id, agreement: nil)
                guard !found.isEmpty else { throw Failure(.dataError, "job \(id) is not known") }
                return found
            case (nil, let agreement?):
                return try await engine.jobs(id: nil, agreement: agreement)
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
            let engine = try await storage.openEngine(logger: RapportCtl.logger)
            let results = try await action(engine, try selection.resolve(engine))
            for result in results {
                print("\(result.changed ? verb : "unchanged (\(result.state.rawValue))"): \(result.fileName)")
            }
            if results.isEmpty { print("no waiting job to act on") }
        }
    }
}

typealias StoredJobLookup = RapportStorage.StoredJob
