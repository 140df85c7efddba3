import ArgumentParser
import Foundation
import RapportCommandLine
import RapportMessages
import RapportSpool

/// `rapportctl gallery`: every message a debtor can read, from the configured templates, as one
/// Markdown page — what an operator reads after editing a template.
struct GalleryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract:
            "Write every message kind, channel, language and firmness, rendered from example states, as Markdown.",
        discussion: "The shipped templates' gallery is docs/MESSAGES.md: rapportctl gallery --out docs/MESSAGES.md")

    @OptionGroup var storage: StorageOptions
    @Option(help: ArgumentHelp("Where to write the page (default: standard output).", valueName: "file")) var out:
        String?

    func run() async throws {
        try await command {
            let settings = try storage.settings()
            let page = Data(MessageGallery.markdown(try templates(of: settings)).utf8)
            guard let out else {
                FileHandle.standardOutput.write(page)
                return
            }
            do throws(SystemError) {
                try DurableFile.replace(out, with: page, mode: 0o644)
            } catch {
                throw Failure(.ioError, "\(out): cannot be written (\(error))")
            }
        }
    }
}
