import ArgumentParser
import Foundation
import RapportConfig
import RapportEngine
import RapportStore

/// The contract's exit codes (sysexits.h).
public enum SysExit: Int32, Sendable {
    case ok = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case ioError = 74
    case config = 78
}

/// A failure to report: one line on standard error, then the exit code.
public struct Failure: Error, Sendable {
    public let code: SysExit
    public let message: String

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
            case .locked: self.init(.unavailable, error.message)
            case .missingFolder, .unusable: self.init(.ioError, error.message)
            }
        case .spool: self.init(.ioError, error.description)
        }
    }
}

/// Runs a command body, turning failures into one line on standard error and the contract's
/// exit code, so every command reports errors the same way.
public func reportingFailures(program: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as Failure {
        FileHandle.standardError.write(Data("\(program): \(failure.message)\n".utf8))
        throw ExitCode(failure.code.rawValue)
    } catch let error as EngineError {
        let failure = Failure(error)
        FileHandle.standardError.write(Data("\(program): \(failure.message)\n".utf8))
        throw ExitCode(failure.code.rawValue)
    }
}

/// Rapport's version, shown by `--version` of both programs.
public let rapportVersion = "0.1.0"
