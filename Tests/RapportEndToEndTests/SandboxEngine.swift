import Foundation
import Logging
import RapportConfig
import RapportCommandLine
import RapportEngine

extension Sandbox {
    /// The sandbox's config with its database and spool, as the programs would read it.
    func settings() throws -> Settings {
        var settings = try ConfigLoader.load(path: config)
        settings.storage.database = database
        settings.storage.passwordFile = server?.passwordFile
        settings.storage.spool = spool
        return settings
    }

    /// The engine over the sandbox's database and spool (or the spool folder `spool` in the
    /// sandbox: another host's), for in-process tests.
    func openEngine(spool: String? = nil) async throws -> Engine {
        var settings = try settings()
        if let spool { settings.storage.spool = root.appendingPathComponent(spool).path }
        return try await StorageOptions.openEngine(settings: settings, logger: Logger(label: "test"), creating: true)
    }
}
