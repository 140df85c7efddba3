import Dispatch
import Foundation
import RapportCore
import RapportStorage
import Synchronization

/// One batch of a tick as a one-way pipeline: read the batch's debtors → plan them (pure, on
/// every core: debtors are independent) → take back what they withdraw → commit decisions and
/// planned jobs → write the job files → mark them. Exactly-once rests on the last three steps'
/// order (record `planned`, write, mark), as before.
///
/// Withdrawn files move before the commit, not after: a withdrawal recorded first and then
/// interrupted by a crash would leave its file in `new/` for a delivery tool to send. Moved
/// first, a crash leaves the file in `withdrawn/`, which the next tick's reconciliation reads,
/// and the agreement, not yet committed, is planned again.
extension Engine {
    /// One decision about one agreement, rendered when it sends, with the files of the jobs it
    /// withdraws.
    struct Planned: Sendable {
        var agreement: Identifier
        var decision: Decision
        /// The job and its file's exact bytes, encoded once.
        var job: (job: Job, bytes: Data)?
        /// The debtor's records as planned on (`Portfolio.revision`).
        var debtor: Identifier?
        var revision: Int64
        var withdrawnFiles: [(withdrawal: Withdrawal, fileName: String)]
    }

    func planBatch(_ due: [DueAgreement], at now: Date, load: inout ChannelLoad, into report: inout TickReport)
        async throws(EngineError)
    {
        var debtors: [Identifier] = []
        var seenDebtors: Set<Identifier> = []
        var dueIDs: Set<Identifier> = []
        for item in due {
            if seenDebtors.insert(item.debtor).inserted { debtors.append(item.debtor) }
            dueIDs.insert(item.agreement)
        }
        let portfolios = try await report.phases.timing(\.read) { () async throws(EngineError) in
            try await storeCall { try await store.portfolios(of: debtors) }
        }
        var readable: [Portfolio] = []
        for debtor in debtors {
            switch portfolios[debtor] {
            case .success(let portfolio): readable.append(portfolio)
            case .failure(let error):
                // A simulation's answer would be wrong without this debtor: it stops instead.
                if simulated { throw .store(error) }
                report.unreadable += 1
                logger.error("debtor \(debtor) not planned: \(error)")
            case nil: continue
            }
        }
        let planning = ContinuousClock.now
        let planned = try plan(readable, due: dueIDs, at: now, load: &load)
        report.phases.plan += planning.duration(to: .now).seconds

        report.due += Set(planned.map(\.agreement)).count
        let (records, withdrawnHere) = try await takeBackWithdrawn(planned, into: &report)
        let committed = try await report.phases.timing(\.record) { () async throws(EngineError) in
            try await storeCall { try await store.commit(records, at: now) }
        }
        report.dropped += committed.newlyDropped
        if !committed.changedMeanwhile.isEmpty {
            report.changedMeanwhile += committed.changedMeanwhile.count
            logger.info(
                "\(committed.changedMeanwhile.count) debtor(s) had new input while planned: planned again next tick")
        }
        let left = Set(committed.changedMeanwhile)
        try await writeAndMark(
            spooling(records.filter { !($0.debtor.map(left.contains) ?? false) }, except: withdrawnHere, into: &report),
            at: now, phases: &report.phases)
    }

    /// Moves the files each decision withdraws to `withdrawn/` (R18), and returns the batch's
    /// records with the state each withdrawn job was found in, and the ids actually withdrawn.
    private func takeBackWithdrawn(_ planned: [Planned], into report: inout TickReport)
        async throws(EngineError) -> (records: [PlanRecord], withdrawn: Set<JobID>)
    {
        var records: [PlanRecord] = []
        records.reserveCapacity(planned.count)
        var withdrawnHere: Set<JobID> = []
        for item in planned {
            var withdrawn: [(Withdrawal, JobState)] = []
            for (withdrawal, fileName) in item.withdrawnFiles {
                let state = try await takeBack(fileName)
                withdrawn.append((withdrawal, state))
                if state == .withdrawn {
                    report.withdrawn += 1
                    withdrawnHere.insert(withdrawal.jobID)
                }
            }
            if case .blocked(let rule, _) = item.decision.outcome { report.blocked[rule.rawValue, default: 0] += 1 }
            records.append(
                PlanRecord(
                    agreement: item.agreement, decision: item.decision, job: item.job, withdrawn: withdrawn,
                    debtor: item.debtor, revision: item.revision))
        }
        return (records, withdrawnHere)
    }

    /// The files of the jobs `records` plan, in order, each noted in the report — but not those
    /// a later plan of the same batch withdrew (R18): the commit recorded them withdrawn.
    private func spooling(_ records: [PlanRecord], except withdrawn: Set<JobID>, into report: inout TickReport)
        -> [PendingFile]
    {
        var files: [PendingFile] = []
        for record in records {
            guard let (job, bytes) = record.job, case .send(let contact) = record.decision.outcome,
                !withdrawn.contains(job.id)
            else { continue }
            files.append(PendingFile(id: job.id, fileName: job.fileName, bytes: bytes, review: contact.needsReview))
            report.spooled.append(
                TickReport.Spooled(
                    fileName: job.fileName, agreement: job.agreement, kind: job.kind, channel: job.channel,
                    localTime: job.localTime, timezone: job.timezone))
        }
        return files
    }

    /// Plans and renders the due agreements of `portfolios`, in their order. Without per-minute
    /// channel limits debtors share nothing, so they are planned on every core; with them, each
    /// minute's capacity is shared (R11), so they are planned in order on one.
    func plan(_ portfolios: [Portfolio], due: Set<Identifier>, at now: Date, load: inout ChannelLoad)
        throws(EngineError) -> [Planned]
    {
        guard load.limits.isEmpty, portfolios.count > 1 else {
            var results: [Planned] = []
            for portfolio in portfolios {
                results += try plan(portfolio, due: due, at: now, load: &load)
            }
            return results
        }
        let outcomes = portfolios.concurrentMap { portfolio in
            // Without limits a load only counts, and nothing reads the counts: each debtor may
            // have its own.
            var unlimited = ChannelLoad.unlimited
            return Result { () throws(EngineError) in try self.plan(portfolio, due: due, at: now, load: &unlimited) }
        }
        var planned: [Planned] = []
        for outcome in outcomes { planned += try outcome.get() }
        return planned
    }

    /// One debtor's due agreements planned (`planDebtor`), the sends rendered and encoded.
    private func plan(_ portfolio: Portfolio, due: Set<Identifier>, at now: Date, load: inout ChannelLoad)
        throws(EngineError) -> [Planned]
    {
        let plan = planner.planDebtor(portfolio, due: due, load: &load, now: now)
        var planned: [Planned] = []
        for step in plan.steps {
            var item = Planned(
                agreement: step.agreement, decision: step.decision, job: nil, debtor: portfolio.debtor,
                revision: portfolio.revision,
                withdrawnFiles: plan.withdrawals(of: step).map { withdrawal, job in
                    (withdrawal, Job.fileName(notBefore: job.notBefore, channel: job.channel, id: job.jobID))
                })
            if case .send(let contact) = step.decision.outcome {
                let message = rendersText ? renderer.render(contact) : .unread
                let job = Job(
                    contact: contact, locale: message.locale, subject: message.subject, body: message.body,
                    createdAt: now)
                do { item.job = (job, try job.encoded()) } catch {
                    throw .configuration("job \(job.id) could not be encoded: \(error)")
                }
            }
            planned.append(item)
        }
        return planned
    }
}
