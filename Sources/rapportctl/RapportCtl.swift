import ArgumentParser
import Foundation
import Logging
import RapportCommandLine

/// The control CLI for operators: import, record, pause, explain, inspect the spool.
@main
struct RapportCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapportctl",
        abstract: "Steer Rapport: import agreements and events, pause, explain, inspect the spool.",
        version: rapportVersion,
        subcommands: [
            ImportCommand.self, RecordCommand.self, PauseCommand.self, ResumeCommand.self, AdjustCommand.self,
            ExplainCommand.self,
            StatusCommand.self, SimulateCommand.self, ForecastCommand.self, GenerateCommand.self, SpoolCommand.self,
            CheckConfigCommand.self,
            GalleryCommand.self, InboundCommand.self, InboxCommand.self, AgreementsCommand.self, MigrateCommand.self,
            ClusterCommand.self, ReportCommand.self,
        ])

    /// Runs with the project's error model: every failure, usage errors included, is one line.
    static func main() async { await mainReportingFailures(program: "rapportctl") }

    /// Logging for every subcommand.
    static let logger: Logger = {
        RapportLogging.bootstrap()
        return Logger(label: "rapportctl")
    }()
}

/// Runs a subcommand body with the CLI's failure reporting.
func command(_ body: () async throws -> Void) async throws {
    try await reportingFailures(program: "rapportctl", body)
}

/// Opens an input file (or standard input for `-`) for reading a line at a time.
func openInput(_ path: String) throws(Failure) -> Int32 {
    if path == "-" { return STDIN_FILENO }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
        throw Failure(.noInput, "\(path): no such file")
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Failure(.noInput, "\(path): cannot be read (check its permissions)") }
    return fd
}

/// Reads a whole input: a file, or standard input for `-`.
func readInput(_ path: String) throws(Failure) -> Data {
    let fd = try openInput(path)
    return FileHandle(fileDescriptor: fd, closeOnDealloc: fd != STDIN_FILENO).readDataToEndOfFile()
}
