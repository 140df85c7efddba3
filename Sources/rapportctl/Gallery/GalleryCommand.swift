import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportMessages
import RapportSpool

/// `rapportctl gallery`: every message a debtor can read, from the configured templates, as one
/// Markdown page — what an operator reads after editing a template.
struct GalleryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract:
            "Write every message kind, channel, language and firmness, rendered from example states, as Markdown.",
        discussion: """
            With --stories, also what debtors receive over three months in the stories of that folder, each \
            simulated by the real engine. The shipped templates' gallery is docs/MESSAGES.md: rapportctl gallery \
            --config config/rapport.toml --stories docs/stories --out docs/MESSAGES.md
            """)

    @OptionGroup var storage: StorageOptions
    @Option(help: ArgumentHelp("Where to write the page (default: standard output).", valueName: "file")) var out:
        String?

    @Option(
        help: ArgumentHelp(
            "A folder of stories (story.md, agreements.jsonl, events.jsonl each) to simulate and add.",
            valueName: "dir")) var stories: String?

    func run() async throws {
        try await command {
            let settings = try storage.settings()
            var markdown = MessageGallery.markdown(try templates(of: settings))
            if let stories {
                let scratch = Scratch()
                defer { scratch.removeAll() }
                markdown += try await Stories.markdown(directory: stories, settings: settings, scratch: scratch)
            }
            let page = Data(markdown.utf8)
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
