import Foundation
import RapportCore

/// The job row as the truth (issue 26): on a cluster every host has its own spool, so a file
/// in `new/` is only a mirror of a row, and a rename proves nothing to the other hosts. A job's
/// state moves only by conditional updates — each names the states it may leave — and
/// whichever commits first wins, from any host:
///
///     planned → spooled (ready) → claimed → delivered | failed
///     planned | spooled | held | review → withdrawn | cancelled | expired
///
/// A claimed job is never offered again: nothing moves a job out of `claimed` but its
/// acknowledgement (or the stale-claim report, which keeps it out of every spool).
public protocol JobClaims: Sendable {
    /// Claims a ready job whose `not_before` has come and whose `not_after` has not, by the
    /// database's clock, and records who claimed it.
    /// - Returns: the job file's bytes when this caller's update won; nil when the job was not
    ///   ready (claimed elsewhere, withdrawn, expired, not yet due).
    func claim(_ id: JobID, by claimant: String) async throws(StoreError) -> Data?
    /// Records a claimed job's outcome; a failed delivery makes its agreement due again.
    /// - Returns: false when the job was not claimed (nothing is recorded then).
    func acknowledge(_ id: JobID, delivered: Bool, detail: String) async throws(StoreError) -> Bool
    /// Moves a job to `state` only if it is in one of `from`, recording the move (R30).
    /// - Returns: the job's state afterwards (`state` when the move won), nil for no such job.
    func move(_ id: JobID, to state: JobState, from: [JobState], detail: String, replan: Bool, at now: Date)
        async throws(StoreError) -> JobState?
    /// The states of the jobs `ids` that exist.
    func states(of ids: [JobID]) async throws(StoreError) -> [JobID: JobState]
    /// The ready jobs of the partitions this node holds whose `not_before` falls before their
    /// channel's horizon and whose `not_after` is after `now`: what its spool mirrors.
    func readyJobs(before horizons: [Channel: Date], at now: Date) async throws(StoreError) -> [StoredJob]
}
