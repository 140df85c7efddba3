import Foundation
import RapportCore

/// The records' side of a claim where the job row is the truth (a cluster): the spool cannot
/// see the store, so the program that opens one hands its claims in through this.
public protocol JobLedger: Sendable {
    /// Claims a ready, due job in the records. - Returns: its file's bytes when this caller won.
    func claim(_ id: JobID, by claimant: String) async throws -> Data?
    /// Records a claimed job's outcome. - Returns: false when the job was not claimed.
    func acknowledge(_ id: JobID, delivered: Bool, detail: String) async throws -> Bool
    /// Makes a claimed job ready again, unsent. - Returns: false when the job was not claimed.
    func release(_ id: JobID, detail: String) async throws -> Bool
}

/// The one claim and acknowledgement code path of every delivery tool (`rapportctl spool
/// claim|ack`, `rapport-mail`): on one host a rename out of `new/` is the claim; on a cluster
/// the conditional update of the job row is, and the rename only follows it — a plain rename
/// proves nothing to the other hosts, whose spools may hold a mirror of the same job.
public struct DeliveryClaims: Sendable {
    public let spool: Spool
    public let ledger: (any JobLedger)?
    /// Who claims, for the records: the host and the spool.
    public let claimant: String

    public init(spool: Spool, ledger: (any JobLedger)?) {
        self.spool = spool
        self.ledger = ledger
        self.claimant = "\(ProcessInfo.processInfo.hostName) (\(spool.root))"
    }

    /// Claims the oldest ready job (its `not_before` has come), optionally of one channel.
    /// - Returns: the claimed job in `cur/`, or nil when none is ready.
    public func claim(channel: Channel? = nil, at now: Date) async throws -> Spool.Location? {
        guard let ledger else { return try spool.claim(channel: channel, at: now) }
        for (name, file) in try spool.ready(channel: channel, at: now) {
            guard let bytes = try await ledger.claim(file.id, by: claimant) else {
                // Not ready in the records (claimed on another host, withdrawn, expired): a
                // shadow, taken out of the way of the next claim. Were it ready after all (a
                // clock ahead of the database's), the daemon's mirror writes it again.
                _ = try spool.remove(name, from: .new)
                continue
            }
            if try !spool.move(name, from: .new, to: .cur) {
                // The daemon's mirror took the file meanwhile: the records hold its bytes.
                try spool.place(Array(bytes), named: name, in: .cur)
            }
            return Spool.Location(folder: .cur, name: name)
        }
        return nil
    }

    /// Records a claimed job's outcome: in the records first on a cluster (refused when the job
    /// is not claimed there), then the file moves from `cur/` to `done/` or `failed/` when this
    /// host has it.
    /// - Returns: where the job's file now is.
    @discardableResult
    public func acknowledge(_ name: String, outcome: Outcome) async throws -> Spool.Location {
        guard let ledger else { return try spool.acknowledge(name, outcome: outcome) }
        guard let id = JobFileName(name)?.id else { throw SystemError(call: "ack", path: name, errno: EINVAL) }
        guard try await ledger.acknowledge(id, delivered: outcome.delivered, detail: outcome.words ?? outcome.status)
        else {
            throw NotClaimed(id: id)
        }
        guard try spool.contains(name, in: .cur) else {
            return Spool.Location(folder: outcome.delivered ? .done : .failed, name: name)
        }
        return try spool.acknowledge(name, outcome: outcome)
    }

    /// Hands a claimed job back unsent — the provider was unreachable or asked for a later try —
    /// so the next claim takes it: back into `new/`, and on a cluster ready again in the
    /// records first. Only for a job the provider surely did not take: a message that may have
    /// left is acknowledged, never handed back (at most once).
    public func release(_ name: String, why: String) async throws {
        if let ledger {
            guard let id = JobFileName(name)?.id else { throw SystemError(call: "release", path: name, errno: EINVAL) }
            guard try await ledger.release(id, detail: why) else { throw NotClaimed(id: id) }
        }
        _ = try spool.move(name, from: .cur, to: .new)
    }
}

/// An acknowledgement of a job the records do not have as claimed: never claimed, or already
/// acknowledged.
public struct NotClaimed: Error, CustomStringConvertible {
    public let id: JobID
    public var description: String {
        "job \(id) is not claimed in the records: claim it with rapportctl spool claim first, or it was acknowledged"
    }
}
