import Foundation
import RapportCore
import RapportSpool
import RapportStorage

extension Engine {
    /// Brings the records up to date with what delivery tools did since the last tick: jobs
    /// claimed (moved to `cur/`), delivered (`done/`) or failed (`failed/`), with the tool's
    /// detail. A failed delivery makes its agreement due again, so the retry policy applies at
    /// once. A claim held longer than the lease is reported, never re-offered: the tool may
    /// have sent it, and a person is never messaged twice by mistake.
    ///
    /// Only jobs the records consider in flight are looked up, so the cost follows the
    /// traffic, not the size of `done/`.
    func reconcileOutcomes(at now: Date, into report: inout TickReport) async throws(EngineError) {
        let lease = TimeInterval(settings.delivery.claimLeaseMinutes * 60)
        for job in try await storeCall({ try await store.jobsInFlight(at: now, withData: false) }) {
            try await storeCall {
                guard let location = try spool.locate(job.fileName) else { return }
                let state = Self.state(of: location.folder)
                switch state {
                case .delivered, .failed:
                    try await store.setState(
                        state, of: [job.id], detail: spool.outcome(of: location)?.words ?? state.rawValue,
                        replan: state == .failed, at: now)
                    if state == .delivered {
                        report.deliveredByChannel[job.channel, default: 0] += 1
                    } else {
                        report.failedByChannel[job.channel, default: 0] += 1
                    }
                case .claimed, .staleClaim:
                    if !JobState.claimedByATool.contains(job.state) {
                        try await store.setState(.claimed, of: [job.id], detail: "claimed by a delivery tool", at: now)
                    }
                    if let claimedAt = try spool.movedAt(location), now.timeIntervalSince(claimedAt) > lease {
                        report.staleClaims += 1
                        if job.state != .staleClaim {
                            let minutes = Int(now.timeIntervalSince(claimedAt) / 60)
                            try await store.setState(
                                .staleClaim, of: [job.id],
                                detail:
                                    "stale claim: in cur/ for \(minutes) min, longer than the "
                                    + "\(settings.delivery.claimLeaseMinutes) min lease",
                                at: now)
                            logger.warning(
                                "stale claim: \(job.fileName) in cur/ for \(minutes) min; check the delivery tool")
                        }
                    }
                case .withdrawn, .expired:
                    if job.state != state {
                        try await store.setState(
                            state, of: [job.id], detail: "moved to \(location.folder.rawValue)/ by hand", replan: true,
                            at: now)
                    }
                case .spooled where JobState.claimedByATool.contains(job.state):
                    // A tool handed the job back unsent (its provider was unreachable): ready
                    // again, so a payment meanwhile still withdraws it (R18).
                    try await store.setState(
                        .spooled, of: [job.id], detail: "handed back unsent by the delivery tool", at: now)
                case .planned, .spooled, .held, .review, .cancelled:
                    break
                }
            }
        }
    }

    /// Deletes outcome files (`done/`, `failed/`, `expired/`, `withdrawn/`) older than the
    /// retention, at most once an hour. The records keep every decision (R30).
    func pruneOutcomes(at now: Date) async throws(EngineError) -> Int {
        let due = lastPrune.withLock { last -> Bool in
            guard last.map({ now.timeIntervalSince($0) < 3600 }) != true else { return false }
            last = now
            return true
        }
        guard due else { return 0 }
        if let years = settings.recordRetentionYears {
            // R30: whole calendar years back, never a day short of them.
            let cutoff = Calendar(identifier: .gregorian).date(byAdding: .year, value: -years, to: now) ?? now
            let deleted = try await storeCall { try await store.deleteRecords(inactiveSince: cutoff) }
            if deleted > 0 {
                logger.info("R30: deleted the records of \(deleted) agreement(s) inactive for \(years) years")
            }
        }
        let cutoff = now.addingTimeInterval(-TimeInterval(settings.delivery.outcomeRetentionDays * 86_400))
        return try await storeCall {
            try [Spool.Folder.done, .failed, .expired, .withdrawn].reduce(0) { total, folder in
                total + (try spool.prune(folder, movedBefore: cutoff))
            }
        }
    }
}
