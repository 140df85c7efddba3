import Foundation
import RapportCore
import RapportSpool
import RapportStorage

/// On a cluster the job row is the truth and each host's spool a just-in-time mirror of it
/// (issue 26): a ready job's file appears in the owning node's `new/` within its channel's
/// horizon before `not_before`, and every tick takes out of `new/` what the database says is
/// no longer ready, and puts back into `new/` what was renamed into `cur/` without a claim.
/// A file left on a host that lost its partition is a harmless shadow: its claim fails.
extension Engine {
    /// The records' claims when the job row is the truth: set on a cluster, nil on one host
    /// (where a rename in the spool is the claim).
    var claims: (any JobClaims)? { settings.cluster == nil ? nil : store as? any JobClaims }

    /// What one mirror pass did.
    struct MirrorPass {
        var written = 0
        var removed = 0
        var undone = 0
    }

    /// Brings this host's `new/` and `cur/` in line with the records, then writes the files of
    /// the ready jobs now within their horizon.
    func mirror(_ claims: any JobClaims, at now: Date) async throws(EngineError) -> MirrorPass {
        var pass = MirrorPass()
        try await storeCall {
            let waiting = try spool.list(.new)
            let taken = try spool.list(.cur)
            let ids = (waiting + taken).compactMap { JobFileName($0)?.id }
            let states = try await claims.states(of: ids)
            for name in waiting {
                guard let id = JobFileName(name)?.id, states[id] != .spooled else { continue }
                try removeShadow(name, state: states[id])
                pass.removed += 1
            }
            for name in taken {
                guard let id = JobFileName(name)?.id, states[id] == .spooled else { continue }
                if try spool.move(name, from: .cur, to: .new) {
                    logger.warning("\(name) was renamed into cur/ without a claim: put back in new/ (see spool claim)")
                    pass.undone += 1
                }
            }
            var horizons: [Channel: Date] = [:]
            for (channel, horizon) in settings.cluster?.mirrorHorizon ?? [:] {
                horizons[channel] = now.addingTimeInterval(Double(horizon.components.seconds))
            }
            // A ready job's file can only be in new/ or, renamed without a claim, cur/: both were
            // just listed, and what was taken out of new/ above is no longer ready.
            let present = Set(waiting + taken)
            let files = try await claims.readyJobs(before: horizons, at: now).filter { !present.contains($0.fileName) }
                .map { Spool.FileToWrite(name: $0.fileName, data: $0.data, folder: .new) }
            if !files.isEmpty { _ = try spool.write(batch: files) }
            pass.written = files.count
        }
        return pass
    }

    /// Takes a file out of `new/` whose job is no longer ready: into the folder of its state
    /// when that is one (withdrawn, expired), else away (claimed elsewhere: a shadow).
    private func removeShadow(_ name: String, state: JobState?) throws(SystemError) {
        switch state {
        case .withdrawn, .cancelled: _ = try spool.move(name, from: .new, to: .withdrawn)
        case .expired: _ = try spool.move(name, from: .new, to: .expired)
        case .held: _ = try spool.move(name, from: .new, to: .hold)
        default: _ = try spool.remove(name, from: .new)
        }
    }

    /// Marks the claims of this node's partitions older than the claim lease as stale, by the
    /// records' clock of the claim: reported, never re-offered (the tool may have sent them).
    func reportStaleClaims(at now: Date) async throws(EngineError) -> Int {
        let lease = TimeInterval(settings.delivery.claimLeaseMinutes * 60)
        var stale = 0
        var claimed: [StoredJob] = []
        for state in JobState.claimedByATool { claimed += try await storeCall { try await store.jobs(in: state) } }
        for job in claimed where now.timeIntervalSince(job.updatedAt) > lease {
            stale += 1
            guard job.state == .claimed, let claims else { continue }
            let minutes = Int(now.timeIntervalSince(job.updatedAt) / 60)
            _ = try await storeCall {
                try await claims.move(
                    job.id, to: .staleClaim, from: [.claimed],
                    detail: "stale claim: claimed \(minutes) min ago, longer than the "
                        + "\(settings.delivery.claimLeaseMinutes) min lease", replan: false, at: now)
            }
            logger.warning("stale claim: \(job.fileName) claimed \(minutes) min ago; check the delivery tool")
        }
        return stale
    }

    /// Moves a job whose state the records decide (a cluster) or the spool decides (one host),
    /// and its file if this host has it: on a cluster the conditional update comes first and
    /// the file follows only if it won; on one host the rename comes first and is the decision.
    /// - Parameter job: the job's id, file name and state as last read.
    /// - Returns: the job's state afterwards.
    func transition(
        _ job: (id: JobID, fileName: String, state: JobState), to state: JobState, from: [JobState],
        detail: String, replan: Bool = false, files: (from: [Spool.Folder], to: Spool.Folder), at now: Date
    ) async throws(EngineError) -> JobState {
        if let claims {
            let after = try await storeCall {
                try await claims.move(job.id, to: state, from: from, detail: detail, replan: replan, at: now)
            }
            if after == state { _ = try await moveFile(job.fileName, from: files.from, to: files.to) }
            return after ?? job.state
        }
        guard try await moveFile(job.fileName, from: files.from, to: files.to) else { return job.state }
        try await storeCall { try await store.setState(state, of: [job.id], detail: detail, replan: replan, at: now) }
        return state
    }

    /// Renames a job file from the first of `folders` that has it into `target`.
    private func moveFile(_ name: String, from folders: [Spool.Folder], to target: Spool.Folder)
        async throws(EngineError) -> Bool
    {
        try await storeCall {
            for folder in folders where try spool.move(name, from: folder, to: target) { return true }
            return false
        }
    }
}
