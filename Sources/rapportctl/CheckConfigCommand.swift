import ArgumentParser
import Foundation
import RapportCommandLine
import RapportConfig
import RapportMessages

/// `rapportctl check-config`: the config and every template, checked without touching storage.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check the config file and the templates (R21 tone, R36 SMS budgets, R38 previews, R39).",
        discussion: """
            Every SMS template is rendered at its worst case (a 20-character name, the largest amount, the \
            longest reference and dates, every optional sentence) with the configured sender; its encoding and \
            billed segments are printed, and a template over its language's budget (English 2 GSM-7 segments; \
            Spanish 4 UCS-2 segments with its accents, or 3 GSM-7 without them) is refused, naming the file. \
            So is a template whose SMS preview or e-mail subject gives the debt away (R38). A [sender] with \
            neither pay_url nor pay_instructions is a warning: debtors would not be told how to pay (R39).
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
                        + "\(worst.length.segments) segments at worst (\(worst.length.units) \(unit)); budget "
                        + SMSBudget.describe(for: worst.language))
            }
            if let over = cases.first(where: { !$0.fits }) {
                throw Failure(
                    .config, "\(over.overBudget(in: settings.templatesDirectory)). Worst case: \(over.text)")
            }
            if let leak = renderer.previewLeaks().first {
                throw Failure(.config, "\(settings.templatesDirectory)/\(leak)")
            }
            if !settings.sender.saysHowToPay {
                warn(
                    "\(storage.configPath): [sender] sets neither pay_url nor pay_instructions: collection messages "
                        + "cannot say how to pay (R39); set one")
            }
            print("templates OK: \(settings.templatesDirectory) (\(MessageRenderer.languages.joined(separator: ", ")))")
        }
    }

    private func warn(_ line: String) {
        FileHandle.standardError.write(Data(("rapportctl: warning: " + line + "\n").utf8))
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
