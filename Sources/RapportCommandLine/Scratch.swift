import Dispatch
import Foundation
import Synchronization

/// What a command must not leave behind when it is interrupted or fails: a simulation's copy of
/// the portfolio (names, numbers, addresses) and a half-written output that would look complete.
///
/// Folders are made private (0700). On SIGINT or SIGTERM every registered path is removed and
/// the process exits 130 or 143, as a shell expects; on a normal end or a failure the command
/// calls `removeAll()`. The signals are caught on a dispatch queue, not in a signal handler,
/// so removing files is safe there. (Unchecked: `paths` is behind a mutex, and `sources` is set
/// once in `init` and only cancelled in `deinit`.)
public final class Scratch: @unchecked Sendable {
    /// What to remove, and whether an interrupt is already removing it.
    private struct State {
        var paths: [String] = []
        var interrupted = false
    }

    private let state = Mutex(State())
    private let sources: [any DispatchSourceSignal]

    public init() {
        var sources: [any DispatchSourceSignal] = []
        var stopping = sigset_t()
        sigemptyset(&stopping)
        for signalNumber in [SIGINT, SIGTERM] {
            sigaddset(&stopping, signalNumber)
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            sources.append(source)
        }
        pthread_sigmask(SIG_UNBLOCK, &stopping, nil)
        self.sources = sources
        for (source, signalNumber) in zip(sources, [SIGINT, SIGTERM]) {
            source.setEventHandler { [self] in
                let paths = state.withLock { state in
                    state.interrupted = true
                    defer { state.paths.removeAll() }
                    return state.paths
                }
                // The interrupted work may still be writing into a folder while it goes:
                // remove until it stays gone (at most a few seconds).
                for path in paths {
                    for _ in 0..<100 where FileManager.default.fileExists(atPath: path) {
                        try? FileManager.default.removeItem(atPath: path)
                        if FileManager.default.fileExists(atPath: path) { usleep(50_000) }
                    }
                }
                FileHandle.standardError.write(Data("interrupted: nothing left behind\n".utf8))
                _exit(128 + signalNumber)
            }
            source.resume()
        }
    }

    /// A new private (0700) folder under the temporary directory, removed with the rest.
    public func folder(_ prefix: String) throws -> URL {
        try folder(prefix, in: FileManager.default.temporaryDirectory)
    }

    /// A new private folder in memory (`/dev/shm`, where the system has it, else the temporary
    /// directory), removed with the rest: for many small short-lived files, such as a
    /// simulation's spool, whose creation on a journalling disk costs more than the work.
    public func memoryFolder(_ prefix: String) throws -> URL {
        var isFolder: ObjCBool = false
        let shm = URL(fileURLWithPath: "/dev/shm")
        guard FileManager.default.fileExists(atPath: shm.path, isDirectory: &isFolder), isFolder.boolValue,
            access(shm.path, W_OK) == 0
        else { return try folder(prefix) }
        return try folder(prefix, in: shm)
    }

    private func folder(_ prefix: String, in parent: URL) throws -> URL {
        let url = parent.appendingPathComponent("rapport-\(prefix)-\(UUID().uuidString)")
        // mkdir(2) with the mode, not FileManager: it makes the folder with the umask's mode and
        // changes it after, and in between the folder is open to anyone (a test caught it at 0755).
        guard mkdir(url.path, 0o700) == 0 else {
            throw Failure(
                .ioError, "cannot create the private folder \(url.path): \(String(cString: strerror(errno)))")
        }
        register(url.path)
        return url
    }

    /// Removes `path` too if the command is interrupted or fails.
    public func register(_ path: String) {
        state.withLock { $0.paths.append(path) }
    }

    /// `path` is finished (renamed into place): it stays.
    public func forget(_ path: String) {
        state.withLock { $0.paths.removeAll { $0 == path } }
    }

    /// Removes everything registered. While an interrupt is removing it, the work it broke
    /// (a simulation whose copy just vanished) waits here for the interrupt to end the process,
    /// so the exit code is the interrupt's, and nothing is left half-removed.
    public func removeAll() {
        let (paths, interrupted) = state.withLock { state in
            defer { state.paths.removeAll() }
            return (state.paths, state.interrupted)
        }
        if interrupted {
            while true { pause() }
        }
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
