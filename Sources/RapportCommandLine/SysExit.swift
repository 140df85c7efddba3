import ArgumentParser
import Foundation
import RapportConfig
import RapportEngine
import RapportCore
import RapportMessages
import RapportSpool
import RapportStorage

/// The contract's exit codes (sysexits.h).
public enum SysExit: Int32, Sendable {
    case ok = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case ioError = 74
    case noPermission = 77
    case config = 78
}

/// A failure to report: one line on standard error, then the exit code.
public struct Failure: Error, Sendable {
    public let code: SysExit
    public let message: String
    /// Another process holds the database's lock: worth waiting out (the daemon does).
    public var isLocked = false

    public init(_ code: SysExit, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The failure an engine error means for the operator.
    public init(_ error: EngineError) {
        switch error {
        case .configuration(let message): self.init(.config, message)
        case .store(let error):
            switch error.kind {
            case .locked:
                self.init(.unavailable, error.message)
                isLocked = true
            case .unreachable, .fenced: self.init(.unavailable, error.message)
            case .permissionDenied: self.init(.noPermission, error.message)
            case .configuration: self.init(.config, error.message)
            case .missingDatabase: self.init(.noInput, error.message)
            case .missingFolder, .unusable, .backstop: self.init(.ioError, error.message)
            }
        case .spool: self.init(.ioError, error.description)
        }
    }
}

extension Failure {
    /// The one mapping from every error a program can meet to the contract's exit code and
    /// one line for a person: usage 64, bad input 65, missing input 66, unavailable 69, I/O 74,
    /// permission denied 77, bad configuration 78. Anything unforeseen is an I/O failure with its description.
    public init(mapping error: any Error) {
        switch error {
        case let failure as Failure: self = failure
        case let error as EngineError: self.init(error)
        case let error as StoreError: self.init(.store(error))
        case let error as SystemError: self.init(.spool(error, spool: "spool"))
        case let error as ConfigError: self.init(.config, error.message)
        case let error as TemplateError: self.init(.config, error.message)
        case let error as ImportError: self.init(.dataError, error.message)
        case let error as DecodingError: self.init(.dataError, "not the expected JSON (\(error.localizedDescription))")
        default: self.init(.ioError, "\(error)")
        }
        if message.contains(where: \.isNewline) {
            self = Failure(code, message.split(whereSeparator: \.isNewline).joined(separator: " "))
        }
    }
}

/// Runs a command body, turning every failure into one line on standard error and the
/// contract's exit code, so every command reports errors the same way. An `ExitCode` (a
/// command that already reported, e.g. rejected lines) passes through.
public func reportingFailures(program: String, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        let failure = Failure(mapping: error)
        FileHandle.standardError.write(Data("\(program): \(failure.message)\n".utf8))
        throw ExitCode(failure.code.rawValue)
    }
}

extension ParsableCommand {
    /// What `main()` does, with the project's error model: a usage error (an unknown option,
    /// a missing argument, a bad value) prints one line `program: …` and exits 64; help and
    /// version print as usual; every other failure was already reported by `reportingFailures`.
    public static func mainReportingFailures(program: String) async -> Never {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { self.exit(withError: error) }
            let text = message(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("\(program): \(text) (see \(program) --help)\n".utf8))
            Foundation.exit(code == .validationFailure ? SysExit.usage.rawValue : code.rawValue)
        }
    }
}

/// Rapport's version, shown by `--version` of both programs.
public let rapportVersion = "0.1.0"
