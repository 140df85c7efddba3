import Foundation
import RapportCore

/// What a forecast delivers, counted the way operators read it: messages per UTC day and
/// channel (the rows of `rapportctl forecast`), and each debtor's days with a paced contact
/// (what the report's pacing headroom is drawn from). Both commands count through this one
/// type, so the report's totals are the forecast's by construction.
public struct ForecastTally: Sendable {
    /// The first UTC day counted: the day of the forecast's start.
    public let firstDay: LocalDate
    /// How many days are counted, from `firstDay`.
    public let days: Int
    /// Messages per day (index 0 is `firstDay`) and channel.
    public private(set) var counts: [[Channel: Int]]
    /// Per debtor, the day indexes of forecast contacts that count toward R8's weekly cap
    /// (an answer, R32 R40, is outside pacing and is not here).
    public private(set) var pacedDays: [Identifier: [Int]] = [:]

    public init(firstDay: LocalDate, days: Int) {
        self.firstDay = firstDay
        self.days = days
        counts = Array(repeating: [:], count: days)
    }

    /// The UTC day of `instant`, as an index from `firstDay` (negative before it).
    public func dayIndex(of instant: Date) -> Int {
        // A UTC day is 86 400 s of Unix time: no zone, no daylight saving, no leap second.
        Int((instant.timeIntervalSince1970 / 86_400).rounded(.down)) - firstDay.daysSinceEpoch
    }

    /// Counts one delivered job of `debtor`; one outside the counted days is not counted.
    public mutating func add(debtor: Identifier, kind: ContactKind, channel: Channel, notBefore: Date) {
        let day = dayIndex(of: notBefore)
        guard counts.indices.contains(day) else { return }
        counts[day][channel, default: 0] += 1
        if !kind.isAnswer { pacedDays[debtor, default: []].append(day) }
    }

    /// Messages on day `index` over `channel`.
    public func count(on index: Int, _ channel: Channel) -> Int { counts[index][channel] ?? 0 }

    /// Messages over `channel` on every day counted.
    public func total(_ channel: Channel) -> Int { counts.reduce(0) { $0 + ($1[channel] ?? 0) } }
}
