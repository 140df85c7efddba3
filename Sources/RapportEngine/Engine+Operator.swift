import Foundation
import RapportCore
import RapportSpool
import RapportStorage

/// What an operator asked of one job, and what became of it.
public struct OperatorResult: Sendable {
    public var jobID: JobID
    public var fileName: String
    /// The job's state afterwards.
    public var state: JobState
    /// False when the job was not where the action applies (already claimed, say).
    public var changed: Bool
}

extension Engine {
    /// Moves the job file `name` to `withdrawn/` from wherever it waits; the state of the job
    /// as its folder says (`withdrawn`, or e.g. `claimed` when a delivery tool was first).
    func takeBack(_ name: String) async throws(EngineError) -> JobState {
        try await storeCall {
            for folder in [Spool.Folder.new, .hold, .review] where try spool.move(name, from: folder, to: .withdrawn) {
                return .withdrawn
            }
            guard let folder = try spool.locate(name)?.folder else { return .withdrawn }
            return Self.state(of: folder)
        }
    }

    /// Takes back, at once, every waiting job of `agreements` that the planner would no longer
    /// send (R18): what `rapportctl` does right after recording a pause, cease, payment, reply
    /// or adjustment. Each debtor is planned whole (`planDebtor`), so a job speaking for several
    /// agreements (R28) is judged on all of them; only the withdrawals are acted on here, and
    /// the next tick plans what is to be sent instead.
    /// - Returns: how many jobs were withdrawn.
    public func withdrawStale(_ agreements: some Collection<Identifier>, at now: Date) async throws(EngineError) -> Int
    {
        var due: [Identifier: Set<Identifier>] = [:]
        var debtors: [Identifier] = []
        for id in Set(agreements).sorted() {
            guard let debtor = try await storeCall({ try await store.agreement(id) })?.agreement.debtor.id else {
                continue
            }
            if due[debtor] == nil { debtors.append(debtor) }
            due[debtor, default: []].insert(id)
        }
        var count = 0
        for debtor in debtors {
            let portfolio = try await storeCall { try await store.portfolio(of: debtor) }
            let waiting = Set(portfolio.history.filter(\.state.isWaiting).map(\.jobID))
            let plan = planner.planDebtor(portfolio, due: due[debtor], now: now)
            for (withdrawal, record) in plan.withdrawals where waiting.contains(withdrawal.jobID) {
                if try await withdraw(record, reason: withdrawal.reason, at: now) == .withdrawn { count += 1 }
            }
        }
        return count
    }

    /// Withdraws one waiting job (R18): on a cluster by a conditional update that a claim
    /// committed first defeats; on one host by moving its file, recording where it was found.
    private func withdraw(_ record: ContactRecord, reason: String, at now: Date) async throws(EngineError) -> JobState {
        let name = Job.fileName(notBefore: record.notBefore, channel: record.channel, id: record.jobID)
        if claims != nil {
            return try await transition(
                (record.jobID, name, record.state), to: .withdrawn, from: JobState.waiting, detail: reason,
                files: ([.new, .hold, .review], .withdrawn), at: now)
        }
        let result = try await takeBack(name)
        try await storeCall { try await store.setState(result, of: [record.jobID], detail: reason, at: now) }
        return result
    }

    /// Records events, as `import events`, `record` and `simulate` all do: appended once each
    /// (a duplicate is stored once), their agreements made due, and the waiting jobs they make
    /// obsolete withdrawn at once (R18).
    /// - Returns: how many events were new and how many jobs were withdrawn.
    public func record(_ events: [Event], at now: Date) async throws(EngineError) -> (added: Int, withdrawn: Int) {
        let added = try await storeCall { try await store.append(events, at: now) }
        return await (added, try withdrawStale(events.map(\.agreement), at: now))
    }

    /// The jobs an operator action names: one job id, or every job of an agreement.
    public func jobs(id: JobID?, agreement: Identifier?) async throws(EngineError) -> [StoredJob] {
        try await storeCall {
            if let id { return try await store.job(id).map { [$0] } ?? [] }
            if let agreement { return try await store.jobs(of: agreement) }
            return []
        }
    }

    /// Holds waiting jobs back: `new/` → `hold/`, invisible to delivery tools until released.
    public func hold(_ jobs: [StoredJob], reason: String, at now: Date) async throws(EngineError) -> [OperatorResult] {
        var results: [OperatorResult] = []
        for job in jobs where job.state == .spooled {
            let state = try await transition(
                (job.id, job.fileName, job.state), to: .held, from: [.spooled], detail: "held by operator: \(reason)",
                files: ([.new], .hold), at: now)
            results.append(OperatorResult(jobID: job.id, fileName: job.fileName, state: state, changed: state == .held))
        }
        return results
    }

    /// Releases held jobs, or approves jobs in review (R15), to `new/` — or to `expired/` when
    /// their `not_after` has passed.
    public func release(_ jobs: [StoredJob], at now: Date) async throws(EngineError) -> [OperatorResult] {
        var results: [OperatorResult] = []
        for job in jobs where job.state == .held || job.state == .review {
            let late = job.notAfter <= now
            let from: Spool.Folder = job.state == .held ? .hold : .review
            let detail =
                late
                ? "released after its not_after"
                : job.state == .review ? "approved in review by operator" : "released by operator"
            let target: JobState = late ? .expired : .spooled
            let state = try await transition(
                (job.id, job.fileName, job.state), to: target, from: [job.state], detail: detail, replan: late,
                files: ([from], late ? .expired : .new), at: now)
            results.append(
                OperatorResult(jobID: job.id, fileName: job.fileName, state: state, changed: state == target))
        }
        return results
    }

    /// Withdraws waiting jobs for good: the operator's decision cancels the touchpoint, so it is
    /// not planned again.
    public func cancel(_ jobs: [StoredJob], reason: String, at now: Date) async throws(EngineError) -> [OperatorResult]
    {
        var results: [OperatorResult] = []
        for job in jobs where job.state.isWaiting {
            let state: JobState
            if claims != nil {
                state = try await transition(
                    (job.id, job.fileName, job.state), to: .cancelled, from: JobState.waiting,
                    detail: "withdrawn by operator: \(reason)", files: ([.new, .hold, .review], .withdrawn), at: now)
            } else {
                let result = try await takeBack(job.fileName)
                state = result == .withdrawn ? .cancelled : result
                try await storeCall {
                    try await store.setState(
                        state, of: [job.id],
                        detail: result == .withdrawn
                            ? "withdrawn by operator: \(reason)" : "too late to withdraw: \(result.rawValue)", at: now)
                }
            }
            results.append(
                OperatorResult(jobID: job.id, fileName: job.fileName, state: state, changed: state == .cancelled))
        }
        return results
    }
}
