import ArgumentParser
import Foundation
import RapportCommandLine
import RapportConfig
import RapportMessages

/// `rapportctl check-config`: the config and every template, checked without touching storage.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Check the config file and the templates (including R21's tone lint).")

    @OptionGroup var storage: StorageOptions

    func run() throws {
        try command {
            let settings = try storage.settings()
            do throws(TemplateError) {
                _ = try MessageRenderer(directory: settings.templatesDirectory, sender: settings.sender)
            } catch {
                throw Failure(.config, error.message)
            }
            print("config OK: \(storage.configPath)")
            print("templates OK: \(settings.templatesDirectory) (\(MessageRenderer.languages.joined(separator: ", ")))")
        }
    }
}
