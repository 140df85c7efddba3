import Foundation
import RapportCore
import RapportSpool
import RapportStore

extension Engine {
    /// Finishes jobs recorded as `planned` whose file may be missing: writes the missing ones
    /// under the same names from the recorded bytes, as one batch with one flush like a tick's,
    /// and just marks those whose file is already there.
    func finishInterruptedWrites(at now: Date) throws(EngineError) -> Int {
        let planned = try storeCall { try store.jobs(in: .planned) }
        var files: [Spool.FileToWrite] = []
        var written: [String] = []
        var forReview: [String] = []
        for job in planned {
            try storeCall {
                if let location = try spool.locate(job.fileName) {
                    try store.setState(Self.state(of: location.folder), of: [job.id], detail: "file found in \(location.folder.rawValue)/", at: now)
                } else if job.notAfter <= now {
                    try store.setState(.expired, of: [job.id], detail: "not written before its not_after", replan: true, at: now)
                } else {
                    files.append(Spool.FileToWrite(name: job.fileName, data: job.data, folder: job.review ? .review : .new))
                    if job.review { forReview.append(job.id) } else { written.append(job.id) }
                }
            }
        }
        if !files.isEmpty {
            _ = try storeCall { try spool.write(batch: files) }
            try storeCall {
                try store.setStates([
                    (.spooled, written, "written to new/ after an interrupted tick"), (.review, forReview, "written to review/ after an interrupted tick"),
                ], at: now)
            }
        }
        return planned.count
    }

    /// Moves jobs still waiting (in `new/` or `hold/`) after their `not_after` to `expired/` and
    /// makes their agreements due again; jobs a delivery tool took are marked where they went.
    func expireUnclaimed(at now: Date) throws(EngineError) -> Int {
        var expired = 0
        for job in try storeCall({ try store.overdueJobs(at: now) }) {
            try storeCall {
                if try spool.move(job.fileName, from: .new, to: .expired) || spool.move(job.fileName, from: .hold, to: .expired)
                    || spool.move(job.fileName, from: .review, to: .expired)
                {
                    try store.setState(.expired, of: [job.id], detail: "not claimed before not_after", replan: true, at: now)
                    expired += 1
                } else if let location = try spool.locate(job.fileName) {
                    try store.setState(Self.state(of: location.folder), of: [job.id], detail: "found in \(location.folder.rawValue)/", at: now)
                }
            }
        }
        return expired
    }

    /// The job state a spool folder means.
    static func state(of folder: Spool.Folder) -> JobState {
        switch folder {
        case .tmp, .new: .spooled
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
