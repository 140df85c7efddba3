import Foundation
import RapportCore
import RapportSpool
import RapportStorage

/// What receiving one inbound message did.
public enum Received: Sendable, Equatable {
    /// The same message had been received before: nothing changed.
    case duplicate
    /// Its effects are recorded, and `withdrawn` waiting jobs were taken back at once (R18).
    case applied(ReplyEffects.Outcome, withdrawn: Int)
}

extension Engine {
    /// Applies one inbound message (R31–R35): finds the agreements it concerns, records its
    /// effects once (a message received before changes nothing), then withdraws the waiting
    /// jobs they make obsolete (R18), as `record` does. Logged without address or text.
    public func receive(_ message: InboundMessage, at now: Date) async throws(EngineError) -> Received {
        if try await storeCall({ try await store.received(message.identity) }) {
            return .duplicate
        }
        var answered: [Identifier] = []
        var job: JobID?
        if let id = message.inReplyTo.flatMap(JobID.init),
            let stored = try await storeCall({ try await store.job(id) }),
            let sent = try? Job.decode(stored.data)
        {
            job = id
            answered = sent.agreements
        }
        var byAddress: [Identifier] = []
        if let address = message.address {
            let channels: [Channel] = message.channel == .voice ? [.voice, .sms] : [message.channel]
            for channel in channels {
                byAddress += try await storeCall { try await store.agreements(using: address, on: channel) }
            }
        }
        let states = try await self.states(of: Array(Set(answered + byAddress)).sorted(), at: now)
        let effects = ReplyEffects.of(
            message, matched: states, answered: states.filter { answered.contains($0.agreement.id) }, job: job)
        let concerned = Array(Set(effects.events.map(\.agreement))).sorted()
        let record = InboundRecord(
            identity: message.identity, channel: message.channel.rawValue, kind: message.kind.rawValue,
            address: message.address,
            receivedAt: message.receivedAt.timeIntervalSince1970, text: message.text, inReplyTo: message.inReplyTo,
            providerId: message.providerID, outcome: effects.outcome.rawValue,
            agreements: String(
                decoding: (try? JSONEncoder().encode(concerned.map(\.rawValue))) ?? Data("[]".utf8), as: UTF8.self),
            recordedAt: now.timeIntervalSince1970)
        let new = try await storeCall {
            try await store.receive(
                record, events: effects.events, inbox: effects.inbox, failedJob: effects.failedJob, at: now)
        }
        guard new else { return .duplicate }
        let withdrawn = try await withdrawStale(concerned, at: now)
        let waiting = effects.inbox == nil ? "" : ", waits in the inbox"
        logger.info(
            """
            inbound \(message.channel.rawValue) \(message.kind.rawValue): \(effects.outcome.rawValue) for \
            \(concerned.count) agreement(s), \(withdrawn) job(s) withdrawn\(waiting)
            """
        )
        return .applied(effects.outcome, withdrawn: withdrawn)
    }

    /// The states of `agreements` at `now`, each with its own debtor's events and adjustments;
    /// the debtors' records are read once each, in one transaction (a shared number often
    /// belongs to several agreements of one debtor).
    private func states(of agreements: [Identifier], at now: Date) async throws(EngineError) -> [AgreementState] {
        var debtors: [Identifier] = []
        for id in agreements {
            guard let debtor = try await storeCall({ try await store.agreement(id) })?.agreement.debtor.id else {
                continue
            }
            if !debtors.contains(debtor) { debtors.append(debtor) }
        }
        let portfolios = try await storeCall { try await store.portfolios(of: debtors) }
        // In agreement-id order: the first gets an address's one confirmation or help (R31, R32).
        var states: [AgreementState] = []
        for debtor in debtors { states += try await storeCall { try portfolios[debtor]?.get().states(at: now) ?? [] } }
        return states.filter { agreements.contains($0.agreement.id) }
            .sorted { $0.agreement.id < $1.agreement.id }
    }

    /// Reads every inbound file waiting in `in/` (each tick, before planning, so an opt-out
    /// takes effect before the next message is planned). A file moves to `in/done/` only after
    /// its effects are committed; a bad one to `in/bad/` with its reason.
    /// - Returns: how many files were read and how many were bad.
    public func ingestInbound(at now: Date) async throws(EngineError) -> (read: Int, bad: Int) {
        var read = 0
        var bad = 0
        for name in try await storeCall({ try spool.inboundFiles() }) {
            let message: InboundMessage
            do {
                let data = try spool.readInbound(name)
                guard let text = String(data: data, encoding: .utf8) else { throw ImportError("not UTF-8 text") }
                message = try InboundImport.parse(line: text)
            } catch let error as ImportError {
                try await storeCall { try spool.rejectInbound(name, why: "\(name): \(error.message)") }
                bad += 1
                continue
            } catch {
                try await storeCall { try spool.rejectInbound(name, why: "\(name): cannot be read (\(error))") }
                bad += 1
                continue
            }
            _ = try await receive(message, at: now)
            try await storeCall { try spool.faults?.reach(.inboundRecorded, spool.path(.inbound, name)) }
            try await storeCall { try spool.finishInbound(name) }
            read += 1
        }
        if bad > 0 {
            logger.warning(
                "in/: \(bad) file(s) were not inbound messages; moved to \(spool.path(.inboundBad)) with a .why each")
        }
        return (read, bad)
    }
}

extension Engine {
    /// Closes an inbox entry with a person's decision, records its events and withdraws the
    /// waiting jobs they make obsolete (R18).
    /// - Returns: false when the entry was not open.
    public func closeInbox(_ id: Int64, action: String, reason: String?, events: [Event], at now: Date)
        async throws(EngineError) -> Bool
    {
        guard
            try await storeCall({
                try await store.closeInbox(id, action: action, reason: reason, events: events, at: now)
            })
        else { return false }
        _ = try await withdrawStale(events.map(\.agreement), at: now)
        return true
    }
}
