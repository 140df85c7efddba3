import ArgumentParser
import Foundation
import RapportCommandLine
import RapportConfig
import RapportMessages

/// `rapportctl check-config`: the config and every template, checked without touching storage.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check the config file and the templates (R21's tone lint, R36's SMS budgets).",
        discussion: """
            Every SMS template is rendered at its worst case (a 20-character name, the largest amount, the \
            longest date, every optional sentence) with the configured sender; its encoding and billed \
            segments are printed, and a template over its language's budget (English 2 GSM-7 segments, \
            Spanish 3 UCS-2 segments) is refused, naming the file.
            """)

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            let settings = try storage.settings()
            let renderer = try templates(of: settings)
            print("config OK: \(storage.configPath)")
            let cases = renderer.smsWorstCases()
            for worst in cases {
                let unit = worst.length.encoding == .gsm7 ? "septets" : "UTF-16 units"
                print(
                    "\(worst.fits ? "  " : "! ")\(worst.file): \(worst.length.encoding.rawValue), "
                        + "\(worst.length.segments) of \(worst.budget) segments at worst (\(worst.length.units) "
                        + "\(unit))"
                )
            }
            if let over = cases.first(where: { !$0.fits }) {
                throw Failure(
                    .config, "\(over.overBudget(in: settings.templatesDirectory)). Worst case: \(over.text)")
            }
            print("templates OK: \(settings.templatesDirectory) (\(MessageRenderer.languages.joined(separator: ", ")))")
        }
    }
}

/// The configured templates, loaded and checked (R21), or the failure that names the file.
func templates(of settings: Settings) throws(Failure) -> MessageRenderer {
    do throws(TemplateError) {
        return try MessageRenderer(directory: settings.templatesDirectory, sender: settings.sender)
    } catch {
        throw Failure(.config, error.message)
    }
}
