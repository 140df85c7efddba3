import Foundation
import Logging
import RapportCommandLine
import RapportConfig
import RapportCore
import RapportEngine

/// What debtors receive over three months, told as stories: each one a folder holding
/// `story.md` (a `# title` line, then what happens, in words), `agreements.jsonl` and
/// `events.jsonl` (the contract's import formats), simulated by the real engine
/// (`rapportctl simulate`'s `Simulation`) over a private store and spool from October 1 to
/// December 31, 2026 (from October 1, 14:00 UTC), and written as every message in send order. Read against the events
/// alone, a story shows whether each message is true and useful (issue 24); the shipped four
/// are in `docs/stories/`.
enum Stories {
    /// The three months every story runs over.
    static let from = Date(timeIntervalSince1970: 1_790_863_200)  // 2026-10-01T14:00:00Z
    static let until = Date(timeIntervalSince1970: 1_798_761_600)  // 2027-01-01T00:00:00Z

    /// The stories under `directory`, in folder-name order, as one Markdown section.
    static func markdown(directory: String, settings: Settings, scratch: Scratch) async throws -> String {
        let folders = try FileManager.default.contentsOfDirectory(atPath: directory).sorted().filter {
            FileManager.default.fileExists(atPath: "\(directory)/\($0)/story.md")
        }
        var page =
            "\n## What a debtor receives over three months\n\nEach story is simulated by `rapportctl simulate`'s "
            + "engine from October 1 to December 31, 2026, with the configuration above; its agreements and events "
            + "are in `\(URL(fileURLWithPath: directory).lastPathComponent)/`. Times are the debtor's local time.\n"
        for folder in folders {
            page += try await story(in: "\(directory)/\(folder)", settings: settings, scratch: scratch)
        }
        return page
    }

    private static func story(in folder: String, settings: Settings, scratch: Scratch) async throws -> String {
        let told = try String(contentsOfFile: "\(folder)/story.md", encoding: .utf8)
        var jobs: [Job] = []
        for job in try await simulate(folder, settings: settings, scratch: scratch) { jobs.append(job) }
        var page = "\n#" + told.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
        for job in jobs { page += "\n" + describe(job) }
        return page
    }

    /// The jobs delivered over the three months, in send order.
    private static func simulate(_ folder: String, settings: Settings, scratch: Scratch) async throws -> [Job] {
        let work = try scratch.folder("story")
        var own = settings
        own.storage.database = work.appendingPathComponent("story.sqlite").path
        own.storage.spool = work.appendingPathComponent("spool").path
        own.storage.spoolGroup = nil
        own.metricsPath = nil
        let engine = try await StorageOptions.openEngine(settings: own, logger: quiet, creating: true)
        let importer = Importer(store: engine.store)
        let agreements = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/agreements.jsonl"))
        let imported = try await importer.importAgreements(agreements, strict: true, at: from)
        guard imported.rejected.isEmpty else { throw Failure(.dataError, "\(folder)/agreements.jsonl: a bad line") }
        let (events, inbound, report) = try await importer.validateSimulationInput(
            try Data(contentsOf: URL(fileURLWithPath: "\(folder)/events.jsonl")))
        guard report.rejected.isEmpty else { throw Failure(.dataError, "\(folder)/events.jsonl: a bad line") }
        var jobs: [Job] = []
        _ = try await Simulation(settings: own, from: from, until: until, events: events, inbound: inbound).run(
            copying: engine.store, in: try scratch.folder("story-copy"), logger: quiet
        ) { jobs.append($0) }
        return jobs
    }

    /// One message: when, how and what, quoted as the debtor reads it.
    private static func describe(_ job: Job) -> String {
        let when = job.localTime.prefix(16).replacingOccurrences(of: "T", with: " ")
        var text = "**\(when)** · \(job.channel.rawValue) · `\(job.kind.rawValue)`"
        if let subject = job.subject { text += " · subject \"\(subject)\"" }
        let quoted = job.body.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.isEmpty ? ">" : "> " + $0
        }
        return text + "\n\n" + quoted.joined(separator: "\n") + "\n"
    }

    private static var quiet: Logger {
        var logger = Logger(label: "rapport.stories")
        logger.logLevel = .error
        return logger
    }
}
