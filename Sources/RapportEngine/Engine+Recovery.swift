import Foundation
import RapportCore
import RapportSpool
import RapportStorage

extension Engine {
    /// Finishes jobs recorded as `planned` whose file may be missing: writes the missing ones
    /// under the same names from the recorded bytes, as one batch like a tick's, and just
    /// marks those whose file is already there.
    func finishInterruptedWrites(at now: Date, phases: inout TickReport.Phases) async throws(EngineError) -> Int {
        let planned = try await storeCall { try await store.jobs(in: .planned) }
        var files: [PendingFile] = []
        for job in planned {
            try await storeCall {
                if let location = try spool.locate(job.fileName) {
                    try await store.setState(
                        Self.state(of: location.folder), of: [job.id],
                        detail: "file found in \(location.folder.rawValue)/", at: now)
                } else if job.notAfter <= now {
                    try await store.setState(
                        .expired, of: [job.id], detail: "not written before its not_after", replan: true, at: now)
                } else {
                    files.append(PendingFile(id: job.id, fileName: job.fileName, bytes: job.data, review: job.review))
                }
            }
        }
        try await writeAndMark(files, note: " after an interrupted tick", at: now, phases: &phases)
        return planned.count
    }

    /// Moves jobs still waiting (in `new/` or `hold/`) after their `not_after` to `expired/` and
    /// makes their agreements due again; jobs a delivery tool took are marked where they went.
    func expireUnclaimed(at now: Date) async throws(EngineError) -> Int {
        var expired = 0
        let overdue = try await storeCall { try await store.overdueJobs(at: now) }
        if claims != nil {
            // On a cluster the records decide: a claim that committed first keeps its job.
            for job in overdue {
                let state = try await transition(
                    (job.id, job.fileName, job.state), to: .expired, from: JobState.awaitingDelivery,
                    detail: "not claimed before not_after", replan: true, files: ([.new, .hold, .review], .expired),
                    at: now)
                if state == .expired { expired += 1 }
            }
            return expired
        }
        for job in overdue {
            try await storeCall {
                if try spool.move(job.fileName, from: .new, to: .expired)
                    || spool.move(job.fileName, from: .hold, to: .expired)
                    || spool.move(job.fileName, from: .review, to: .expired)
                {
                    try await store.setState(
                        .expired, of: [job.id], detail: "not claimed before not_after", replan: true, at: now)
                    expired += 1
                } else if let location = try spool.locate(job.fileName) {
                    try await store.setState(
                        Self.state(of: location.folder), of: [job.id], detail: "found in \(location.folder.rawValue)/",
                        at: now)
                }
            }
        }
        return expired
    }

    /// The job state a spool folder means.
    static func state(of folder: Spool.Folder) -> JobState {
        switch folder {
        // No job file is ever in the inbound folders: `locate` only looks in the job folders.
        case .tmp, .new, .inbound, .inboundTmp, .inboundDone, .inboundBad: .spooled
        case .hold: .held
        case .review: .review
        case .cur: .claimed
        case .done: .delivered
        case .failed: .failed
        case .expired: .expired
        case .withdrawn: .withdrawn
        }
    }
}
