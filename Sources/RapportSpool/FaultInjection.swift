#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import Synchronization

/// A test seam in the spool's write path (and in the reading of `in/`): makes the n-th arrival
/// at one step of a write fail with an errno, or kill the process on the spot, so tests can
/// prove that every interrupted write is recovered exactly once.
///
/// Production never sets one. Tests set it on a `Spool` directly, or — for the built
/// `rapportd` — through `RAPPORT_FAULT=STEP:N[:ACTION]`, e.g. `renamed:40:kill`,
/// `temp-written:3:ENOSPC` or `temp-written:1:stop`, because a crash can only be tested in a
/// process that may die.
/// Only a debug build (what `swift test` runs) reads that variable: a release build — what
/// `make install` and the service run — has no code that looks at it.
public final class FaultInjection: Sendable {
    /// The steps of writing a batch of job files, in their order.
    public enum Step: String, CaseIterable, Sendable {
        /// A job file is complete in `tmp/` but not yet flushed.
        case tempWritten = "temp-written"
        /// The batch's files are flushed to disk (syncfs), none renamed yet.
        case synced
        /// A job file has been renamed into its folder; its folder is not yet flushed.
        case renamed
        /// Every file of the batch is durable; the database does not yet say so.
        case beforeMarked = "before-marked"
        /// An inbound message's effects are committed; its file is not yet in `in/done/`.
        case inboundRecorded = "inbound-recorded"

        /// The steps of writing job files.
        public static let writing: [Step] = [.tempWritten, .synced, .renamed, .beforeMarked]
    }

    /// What happens at the chosen arrival.
    public enum Action: Sendable, Equatable {
        /// The step fails with this errno (`ENOSPC`, `EIO`, ...), as the system call would.
        case fail(Int32)
        /// The process is killed with SIGKILL: no cleanup, no flush, like a power cut for the
        /// process (the kernel still holds what was written).
        case kill
        /// The process stops itself (SIGSTOP) and carries on where it was once continued: a
        /// node paused mid-write, as a long garbage collection or a frozen VM would pause it.
        case stop
    }

    public let step: Step
    public let arrival: Int
    public let action: Action
    private let arrivals = Mutex(0)

    /// Fails (or kills) at the `arrival`-th time (1-based) any write reaches `step`.
    public init(step: Step, arrival: Int, action: Action) {
        self.step = step
        self.arrival = arrival
        self.action = action
    }

    /// The injection a debug build's `RAPPORT_FAULT` asks for; always nil in a release build.
    public static var requested: FaultInjection? {
        #if DEBUG
            fromEnvironment()
        #else
            nil
        #endif
    }

    #if DEBUG
        /// The injection `RAPPORT_FAULT` asks for, or nil when it is unset or not understood.
        static func fromEnvironment() -> FaultInjection? {
            guard let raw = getenv("RAPPORT_FAULT") else { return nil }
            let parts = String(cString: raw).split(separator: ":").map(String.init)
            guard parts.count >= 2, let step = Step(rawValue: parts[0]), let arrival = Int(parts[1]), arrival > 0 else {
                return nil
            }
            let action: Action
            switch parts.count > 2 ? parts[2] : "kill" {
            case "kill": action = .kill
            case "stop": action = .stop
            case "ENOSPC": action = .fail(ENOSPC)
            case "EIO": action = .fail(EIO)
            case "EACCES": action = .fail(EACCES)
            default: return nil
            }
            return FaultInjection(step: step, arrival: arrival, action: action)
        }
    #endif

    /// Called by the spool at each step of a write.
    public func reach(_ step: Step, _ path: String) throws(SystemError) {
        guard step == self.step else { return }
        let count = arrivals.withLock { value in
            value += 1
            return value
        }
        guard count == arrival else { return }
        switch action {
        case .fail(let code): throw SystemError(call: "injected fault at \(step.rawValue)", path: path, errno: code)
        case .kill: kill(getpid(), SIGKILL)
        case .stop: kill(getpid(), SIGSTOP)
        }
    }
}
