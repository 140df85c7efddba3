import ArgumentParser
import Foundation
import RapportConfig
import RapportSpool
import Synchronization

/// What every delivery tool shipped with Rapport (`rapport-mail`, `rapport-sms`) does before its
/// own work: read the config with `--spool` applied, find the spool, and stop cleanly on
/// SIGTERM or SIGINT between two messages.
public enum DeliveryTool {
    /// Set by SIGTERM and SIGINT once `catchStopSignals()` ran: the loop finishes the message in
    /// hand and exits.
    public static let stopRequested = Atomic<Bool>(false)

    /// The settings of `--config` (else `$RAPPORT_CONFIG`, else /etc), with `--spool` overriding
    /// `[storage] spool`, and the config file's path for error lines.
    public static func settings(_ place: DeliveryToolOptions) throws(Failure) -> (Settings, String) {
        let path = StorageOptions.configPath(place.config)
        var settings: Settings
        do throws(ConfigError) { settings = try ConfigLoader.load(path: path) } catch {
            throw Failure(.config, error.message)
        }
        if let spool = place.spool { settings.storage.spool = URL(fileURLWithPath: spool).standardizedFileURL.path }
        return (settings, path)
    }

    /// The spool of `settings`, refused when it has no `new/` (not the daemon's spool).
    public static func spool(_ settings: Settings) throws(Failure) -> Spool {
        let spool = Spool(root: settings.storage.spool)
        guard FileManager.default.fileExists(atPath: spool.path(.new)) else {
            throw Failure(.ioError, "spool \(spool.root) has no new/ folder; is rapportd running with this spool?")
        }
        return spool
    }

    /// A parent (a shell, a test runner's worker thread) may hand down blocked signals: unblocks
    /// the two that stop a tool, then catches them into `stopRequested`.
    public static func catchStopSignals() {
        var stopping = sigset_t()
        sigemptyset(&stopping)
        for signalNumber in [SIGTERM, SIGINT] {
            sigaddset(&stopping, signalNumber)
            signal(signalNumber) { _ in DeliveryTool.stopRequested.store(true, ordering: .relaxed) }
        }
        pthread_sigmask(SIG_UNBLOCK, &stopping, nil)
    }

    /// Whether no stop was asked for.
    public static var running: Bool { !stopRequested.load(ordering: .relaxed) }

    /// `<tool>.prom` beside the daemon's metrics file, nil when `[metrics] textfile` is unset.
    public static func metricsPath(_ settings: Settings, tool: String) -> String? {
        settings.metricsPath.map {
            URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("\(tool).prom").path
        }
    }
}

/// The options every delivery tool takes to find its config and spool.
public struct DeliveryToolOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("The config file (else $RAPPORT_CONFIG, else /etc/rapport/rapport.toml).", valueName: "path")
    )
    public var config: String?
    @Option(help: ArgumentHelp("The spool directory, overriding [storage] spool.", valueName: "dir"))
    public var spool: String?

    public init() {}
}
