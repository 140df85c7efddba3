import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// Standard output, or a file written under a temporary name beside it and renamed into place
/// only when complete: an interrupted run never leaves an output that looks finished.
final class OutputFile {
    private let handle: FileHandle
    private let path: String?
    private let partial: String?
    private let scratch: Scratch

    init(path: String?, scratch: Scratch) throws {
        self.scratch = scratch
        guard let path, path != "-" else {
            (self.path, partial, handle) = (nil, nil, FileHandle.standardOutput)
            return
        }
        let partial = "\(path).partial-\(getpid())"
        guard FileManager.default.createFile(atPath: partial, contents: nil) else {
            throw Failure(.ioError, "\(path): cannot be created (does its folder exist?)")
        }
        scratch.register(partial)
        guard let handle = FileHandle(forWritingAtPath: partial) else {
            throw Failure(.ioError, "\(path): cannot be opened for writing")
        }
        (self.path, self.partial, self.handle) = (path, partial, handle)
    }

    func write(_ data: Data) throws {
        do { try handle.write(contentsOf: data) } catch {
            throw Failure(.ioError, "\(path ?? "stdout"): \(error.localizedDescription)")
        }
    }

    /// Flushes the file and renames it into place.
    func close() throws {
        guard let path, let partial else { return }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw Failure(.ioError, "\(path): \(error.localizedDescription)")
        }
        guard rename(partial, path) == 0 else {
            throw Failure(.ioError, "\(path): cannot be renamed into place (\(String(cString: strerror(errno))))")
        }
        scratch.forget(partial)
    }
}

/// A progress line on standard error, as a long simulation goes.
func printProgress(_ verb: String, _ progress: Simulation.Progress) { printError(progress.line(verb)) }
