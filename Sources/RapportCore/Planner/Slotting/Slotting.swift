import Foundation

/// R1–R6 and R11 — when: the earliest instant at or after a touchpoint's start that lies
/// inside the debtor's window in every candidate zone (R1 hours, R2 intersection, R4 policy
/// window and holidays, R5 the debtor's own times, R6 local wall-clock time through DST — all
/// in `ContactWindows`), that paces well (`Pacing`, R8 R9), placed at the debtor's preferred
/// time or a stable per-debtor offset into the window, within each channel's per-minute rate
/// (R11, `ChannelLoad`).
extension Planner {
    /// A send interval: the job's `not_before` … `not_after`, and what moved it there.
    struct Slot {
        var notBefore: Date
        var notAfter: Date
        var notes: [SlotNote]
    }

    /// What moved a slot later than its first candidate; put into words only when read.
    enum SlotNote: CustomStringConvertible {
        case paced(Pacing.Conflict)
        case rateLimited(Channel, limit: Int, minutes: Int)

        var description: String {
            switch self {
            case .paced(let conflict): conflict.explanation
            case .rateLimited(let channel, let limit, let minutes):
                "R11: \(channel.rawValue) at its \(limit)/min limit for \(minutes) min"
            }
        }
    }

    /// The earliest instant at or after `start` inside the windows that paces well, placed at
    /// the debtor's stable offset into the window (R11).
    func earliestSlot(
        from start: Date, windows: ContactWindows, pacing: Pacing, load: ChannelLoad, touchpoint: Touchpoint,
        channel: Channel, debtor: Identifier, preferredTime: LocalTime?
    ) -> Slot? {
        let offset = spreadOffset(debtor: debtor, preferredTime: preferredTime, windows: windows)
        var cursor = start
        var notes: [SlotNote] = []
        var fullMinutes = 0
        for _ in 0..<(64 + 24 * 60) {
            guard let opening = windows.nextOpening(from: cursor) else { return nil }
            let latestStart = opening.end.addingTimeInterval(-windows.minimumLength)
            var candidate = opening.opensAt.addingTimeInterval(offset)
            if candidate < opening.start {
                // Past the debtor's usual minute today: go soon, still spread a little.
                candidate = Self.nextWholeMinute(opening.start).addingTimeInterval(
                    offset.truncatingRemainder(dividingBy: 600))
            }
            candidate = max(opening.start, min(candidate, latestStart))
            if let conflict = pacing.conflict(at: candidate, channel: channel, exemptFromGap: touchpoint.exemptFromGap)
            {
                notes.append(.paced(conflict))
                cursor = max(conflict.retryAt, candidate.addingTimeInterval(60))
                continue
            }
            if load.isFull(channel, at: candidate) {
                // R11: this minute already carries the channel's limit; try the next one.
                fullMinutes += 1
                cursor = Date(timeIntervalSince1970: Double(ChannelLoad.minute(of: candidate) + 1) * 60)
                continue
            }
            if fullMinutes > 0 {
                notes.append(.rateLimited(channel, limit: load.limits[channel] ?? 0, minutes: fullMinutes))
            }
            return Slot(notBefore: candidate, notAfter: opening.end, notes: notes)
        }
        return nil
    }

    /// R11: at the debtor's preferred time when known (and inside the window), else at a
    /// stable per-debtor offset into it, so a portfolio's messages do not all leave at 09:00.
    private func spreadOffset(debtor: Identifier, preferredTime: LocalTime?, windows: ContactWindows) -> TimeInterval {
        if let preferredTime { return TimeInterval(max(0, preferredTime.minutes - windows.dailyStart.minutes) * 60) }
        return TimeInterval(Int(StableHash.fnv1a128(debtor.rawValue) % UInt128(max(1, policy.spreadMinutes))) * 60)
    }

    /// When a contact at `slot` should be written to the spool: within the lookahead, but a
    /// check-in after a miss only once its day has come, so it is decided on the latest payments.
    func spoolTime(for touchpoint: Touchpoint, slot: Slot) -> Date {
        let ahead = slot.notBefore.addingTimeInterval(-TimeInterval(policy.lookaheadHours * 3600))
        switch touchpoint.kind {
        case .missed, .followUp: return max(ahead, touchpoint.ideal)
        default: return ahead
        }
    }

    /// When a failed attempt at a touchpoint may be retried, if later than `start`.
    func retryTime(after failed: Date, from start: Date) -> Date? {
        let retry = failed.addingTimeInterval(TimeInterval(policy.retryAfterMinutes * 60))
        return retry > start ? retry : nil
    }

    private static func nextWholeMinute(_ instant: Date) -> Date {
        Date(timeIntervalSince1970: (instant.timeIntervalSince1970 / 60).rounded(.up) * 60)
    }
}
