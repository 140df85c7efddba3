import Foundation

/// How many jobs each channel already sends in each minute, against the operator's optional
/// per-channel rate limit (R11). The engine builds it from the records at the start of a tick
/// and adds each job it plans, so the planner stays a pure function of what it is given.
public struct ChannelLoad: Sendable, Equatable {
    /// Jobs per minute each channel may carry; a channel without a limit is never full.
    public let limits: [Channel: Int]
    private var counts: [Channel: [Int: Int]] = [:]

    public init(limits: [Channel: Int]) {
        self.limits = limits
    }

    /// No limits at all.
    public static let unlimited = ChannelLoad(limits: [:])

    /// The minute an instant falls in, counted since the epoch.
    public static func minute(of instant: Date) -> Int { Int((instant.timeIntervalSince1970 / 60).rounded(.down)) }

    /// Whether `channel` has no room left in the minute of `instant`.
    public func isFull(_ channel: Channel, at instant: Date) -> Bool {
        guard let limit = limits[channel] else { return false }
        return (counts[channel]?[Self.minute(of: instant)] ?? 0) >= limit
    }

    /// Counts `jobs` more for `channel` in `minute`.
    public mutating func add(_ channel: Channel, minute: Int, jobs: Int = 1) {
        guard limits[channel] != nil else { return }
        counts[channel, default: [:]][minute, default: 0] += jobs
    }
}
