import Dispatch
import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `transform` of every element, in order, worked out on every core: the array is cut into
    /// a few contiguous slices per core so each thread works through its own slice undisturbed.
    /// For pure work only (decoding, parsing, planning); whatever must happen in order — SQLite,
    /// the spool — stays with the caller.
    public func concurrentMap<Value: Sendable>(_ transform: @Sendable (Element) -> Value) -> [Value] {
        let slices = Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
        guard slices > 1 else { return map(transform) }
        let results = Mutex<[Int: [Value]]>([:])
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let values = self[(count * slice / slices)..<(count * (slice + 1) / slices)].map(transform)
            results.withLock { $0[slice] = values }
        }
        return results.withLock { all in (0..<slices).flatMap { all[$0] ?? [] } }
    }
}
