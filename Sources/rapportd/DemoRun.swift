import Foundation
import Logging
import RapportCommandLine
import RapportConfig
import RapportCore
import RapportEngine
import RapportStorage

/// `rapportd --demo`: a fresh demo portfolio in `./.rapport-demo`, planned by the real engine,
/// with a readable account of what was spooled, what was held back and why, and what comes next.
struct DemoRun {
    let storage: StorageOptions
    let once: Bool
    let logger: Logger

    func run() async throws {
        let cwd = FileManager.default.currentDirectoryPath
        let folder = "\(cwd)/.rapport-demo"
        let configFile = "\(cwd)/config/rapport.toml"
        guard let path = storage.config ?? (FileManager.default.fileExists(atPath: configFile) ? configFile : nil)
        else {
            throw Failure(.config, "\(configFile): not found; run the demo from the repository root or pass --config")
        }
        var storage = self.storage
        storage.config = path
        var settings = try storage.settings()
        try? FileManager.default.removeItem(atPath: folder)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Failure(.ioError, "\(folder): cannot create the demo folder (\(error.localizedDescription))")
        }
        settings.storage.database = "\(folder)/rapport.sqlite"
        settings.storage.spool = "\(folder)/spool"
        settings.storage.spoolGroup = nil
        settings.daemon.tickSeconds = 15

        let engine = try await StorageOptions.openEngine(settings: settings, logger: logger, creating: true)
        let now = Date()
        let portfolio = DemoPortfolio.make(now: now)
        do throws(StoreError) {
            _ = try await engine.store.upsert(portfolio.agreements, at: now)
            _ = try await engine.store.append(portfolio.events, at: now)
        } catch {
            throw Failure(.ioError, error.message)
        }
        let zones = Set(portfolio.agreements.flatMap(\.candidateZones)).count
        print(
            "Rapport demo: \(portfolio.agreements.count) agreements in \(zones) time zones, \(portfolio.events.count) "
                + "events → \(relative(folder, cwd))"
        )
        print("")

        let report = try await engine.tick(at: now)
        try await printSummary(report, engine: engine, cwd: cwd)
        if once { return }

        print("")
        print("Ticking every \(settings.daemon.tickSeconds) s; Ctrl-C to stop.")
        let demoStorage = settings.storage
        let service = TickService(
            engine: engine, storage: storage, logger: logger,
            configure: { reloaded in
                var reloaded = reloaded
                reloaded.storage = demoStorage
                reloaded.daemon.tickSeconds = 15
                return reloaded
            },
            afterTick: { report in
                print(
                    "\(Timestamp.rfc3339(report.startedAt)): \(report.spooled.count) spooled, \(report.withdrawn) "
                        + "withdrawn, \(report.expired) expired; next "
                        + "\(report.nextActionAt.map(Timestamp.rfc3339) ?? "-")")
            })
        try await TickService.runUntilStopped(service, logger: logger)
    }

    private func printSummary(_ report: TickReport, engine: Engine, cwd: String) async throws {
        let spoolNew = relative(engine.spool.path(.new), cwd)
        print("Spooled \(report.spooled.count) jobs into \(spoolNew)/")
        var byKind: [String: Int] = [:]
        var byChannel: [String: Int] = [:]
        for (channel, kinds) in report.spooled.byChannelAndKind {
            for (kind, count) in kinds {
                byKind[kind.rawValue, default: 0] += count
                byChannel[channel.rawValue, default: 0] += count
            }
        }
        print(
            "  by kind:    " + byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        )
        print(
            "  by channel: "
                + byChannel.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("")
        print("First to go out (debtor's local time):")
        for job in report.spooled.sample.sorted(by: { $0.fileName < $1.fileName }).prefix(8) {
            print(
                "  \(job.localTime)  \(job.timezone.padding(toLength: 20, withPad: " ", startingAt: 0)) "
                    + "\(job.kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) "
                    + "\(job.channel.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(job.agreement)"
            )
        }
        let blocked = (try? await engine.store.summaries(withOutcome: .blocked)) ?? [:]
        if !blocked.isEmpty {
            var reasons: [String: Int] = [:]
            for (summary, count) in blocked {
                reasons[summary.components(separatedBy: " since ").first ?? summary, default: 0] += count
            }
            print("")
            print("Held back, and why:")
            for (reason, count) in reasons.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                print("  \(count) × \(reason)")
            }
        }
        if let status = try? await engine.store.status() {
            print("")
            print(
                "What comes next: \(status.agreementsByOutcome[.wait, default: 0]) agreements wait for their moment; "
                    + "the next planning is at \(status.nextActionAt.map(Timestamp.rfc3339) ?? "-").")
        }
        let options = "--config config/rapport.toml --database .rapport-demo/rapport.sqlite --spool .rapport-demo/spool"
        print("")
        print("Look closer:")
        print("  swift run rapportctl spool ls \(options)")
        if let first = report.spooled.first {
            print("  swift run rapportctl explain \(first.agreement) \(options)")
        }
        print("  swift run rapportctl report --out .rapport-demo/report.html \(options)   # then open it in a browser")
    }

    private func relative(_ path: String, _ cwd: String) -> String {
        path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
    }
}
