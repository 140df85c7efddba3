import Foundation

/// Debian's Chromium, headless, for the operator report's browser test: a real layout engine
/// loads the file, runs the test's own probe script (the report has none) and prints the DOM,
/// or takes a screenshot. Installed by `.ci/run` (`apt-get install chromium`).
enum HeadlessChromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// What enables the test where Chromium is missing.
    static let enableHint = "the browser test needs Chromium: sudo scripts/chromium-test-setup installs it"

    /// The DOM of `page` after load, laid out in a window `width` CSS pixels wide.
    static func dom(of page: URL, width: Int, profile: URL) throws -> String {
        try run(["--window-size=\(width),1200", "--dump-dom", page.absoluteString], profile: profile)
    }

    /// A PNG of `page` in a `width` × `height` window.
    static func screenshot(of page: URL, to png: URL, width: Int, height: Int, profile: URL) throws {
        _ = try run(
            ["--window-size=\(width),\(height)", "--hide-scrollbars", "--screenshot=\(png.path)", page.absoluteString],
            profile: profile)
    }

    private static func run(_ arguments: [String], profile: URL) throws -> String {
        guard let path else { throw ChromiumError("Chromium is not installed (\(enableHint))") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        // As root (a CI container) Chromium refuses its sandbox; the page is our own file.
        process.arguments =
            ["--headless", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)"]
            + (geteuid() == 0 ? ["--no-sandbox"] : []) + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = DispatchTime.now() + .seconds(90)
        let stopper = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: deadline, execute: stopper)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        stopper.cancel()
        guard process.terminationStatus == 0 else {
            throw ChromiumError("chromium \(arguments.last ?? "") exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

struct ChromiumError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
