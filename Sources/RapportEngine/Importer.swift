import Foundation
import Synchronization
import RapportCore
import RapportStorage

/// What an import did, and every line it refused.
public struct ImportReport: Sendable {
    /// A refused line and why.
    public struct Rejection: Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    /// An agreement a re-import moved to another debtor (`--allow-debtor-change`).
    public struct DebtorChange: Sendable, Equatable {
        public var line: Int
        public var agreement: Identifier
        public var from: Identifier
        public var to: Identifier
    }

    public var agreements = ImportSummary()
    public var rejected: [Rejection] = []
    public var debtorChanges: [DebtorChange] = []
    /// True when `--strict` refused the whole file because of a bad line.
    public var abandoned = false
}

/// Reads JSON Lines for `rapportctl import`: validates every line with its line number,
/// imports the good ones in one transaction (or, with `strict`, none if any is bad).
public struct Importer: Sendable {
    public let store: any Store

    public init(store: any Store) { self.store = store }

    /// How many lines are validated (on every core) and written at a time inside the import's
    /// transaction.
    static let chunkSize = 2_000

    /// How many chunks are validated ahead of the one being written.
    static let chunksAhead = 2

    /// Imports agreements from JSON Lines `data`.
    public func importAgreements(_ data: Data, strict: Bool, at now: Date) async throws(StoreError) -> ImportReport {
        try await importAgreements(JSONLines(data: data), strict: strict, at: now)
    }

    /// How often a long import reports progress.
    static let progressInterval: Duration = .seconds(3)

    /// Imports agreements line by line, in one transaction: memory holds three chunks (one being
    /// written, the next two being validated), never the file. Good lines are imported and bad ones
    /// reported by number; with `strict` a single bad line rolls everything back.
    /// - Parameters:
    ///   - allowDebtorChange: whether a line may move an agreement to another `debtor.id`; if
    ///     not, such a line is refused, as a typo must never hand one person's agreement (and
    ///     the operator's adjustments for them) to someone else.
    ///   - progress: called every few seconds with the lines read so far.
    public func importAgreements(
        _ lines: JSONLines, strict: Bool, allowDebtorChange: Bool = false, at now: Date,
        progress: (Int) -> Void = { _ in }
    ) async throws(StoreError) -> ImportReport {
        var report = ImportReport()
        var lines = lines
        var lastProgress = ContinuousClock.now
        let rules = ChunkRules(strict: strict, allowDebtorChange: allowDebtorChange)
        report.agreements = try await store.importing(at: now) { session in
            var chunk: [JSONLines.Line] = []
            // The chunks read before `chunk`, oldest first: the oldest is written while the
            // others are validated, so the writes (the writer, then the server) and the
            // validation overlap, and a chunk slow to validate does not stall the writes.
            var validating: [ValidatingChunk] = []
            var refusedInStrict = false
            while !refusedInStrict, let line = lines.next() {
                if line.number % 1000 == 0, lastProgress.duration(to: .now) >= Self.progressInterval {
                    lastProgress = .now
                    progress(line.number)
                }
                chunk.append(line)
                if chunk.count >= Self.chunkSize {
                    validating.append(ValidatingChunk(chunk))
                    chunk.removeAll(keepingCapacity: true)
                    if validating.count > Self.chunksAhead {
                        let written = validating.removeFirst()
                        refusedInStrict = try await rules.write(written, into: session, report: &report)
                        written.freeElsewhere()
                    }
                }
            }
            if !chunk.isEmpty { validating.append(ValidatingChunk(chunk)) }
            for written in validating where !refusedInStrict {
                refusedInStrict = try await rules.write(written, into: session, report: &report)
            }
            if let code = lines.readError {
                throw StoreError(
                    .unusable, "the input could not be read to its end: \(String(cString: strerror(code)))")
            }
            report.abandoned = refusedInStrict
            return !refusedInStrict
        }
        return report
    }

    /// A chunk of lines being validated in the background: parsing and writing the stored form
    /// are most of an import's work and need nothing but the line, so they run beside the
    /// earlier chunks' writes. One thread a chunk, not every core: the writes (the writer, then
    /// the database server, one after the other) are what an import waits for, and validating
    /// a chunk on every core took the core they were running on, slowing a PostgreSQL import
    /// by a fifth; one thread keeps ahead of them, with the chunks validated ahead as a buffer.
    private final class ValidatingChunk: Sendable {
        private let lines: [JSONLines.Line]
        private let done = DispatchGroup()
        private let parsed = Mutex<[Result<ImportedAgreement, ImportError>?]>([])

        init(_ lines: [JSONLines.Line]) {
            self.lines = lines
            DispatchQueue.global().async(group: done) { [self] in
                let results = lines.map { line -> Result<ImportedAgreement, ImportError>? in
                    guard case .text(_, let text) = line else { return nil }
                    return Result { () throws(ImportError) in ImportedAgreement(try AgreementImport.parse(line: text)) }
                }
                parsed.withLock { $0 = results }
            }
        }

        /// Lets a worker free the chunk once written (whichever of the two lets go last frees
        /// it, nearly always the worker): tearing down 2,000 parsed agreements took a tenth of
        /// the writer's time, and the writer is what an import waits for.
        func freeElsewhere() {
            DispatchQueue.global().async { [self] in withExtendedLifetime(self) {} }
        }

        /// The lines and, for each, its agreement, why it is invalid, or nil when it had no text;
        /// waits for the validation to finish.
        func result() -> (lines: [JSONLines.Line], parsed: [Result<ImportedAgreement, ImportError>?]) {
            done.wait()
            return (lines, parsed.withLock { $0 })
        }
    }

    /// How one import treats each chunk of its lines.
    private struct ChunkRules {
        let strict: Bool
        let allowDebtorChange: Bool

        /// Checks each line of a validated chunk against the file so far and the store, in line
        /// order, and writes the good ones.
        /// - Returns: true when `strict` refused a line: the import stops, and is rolled back.
        func write(
            _ chunk: ValidatingChunk, into session: any ImportSession, report: inout ImportReport
        ) async throws -> Bool {
            let (lines, parsed) = chunk.result()
            let valid = zip(lines, parsed).compactMap { line, result in
                (try? result?.get()).map { (id: $0.agreement.id, line: line.number) }
            }
            let stored = try await session.stored(valid.map(\.id))
            var earlier: [Int: Int] = [:]
            for (item, line) in zip(valid, try await session.earlierLines(valid)) { earlier[item.line] = line }
            var accepted: [ImportedAgreement] = []
            for (line, result) in zip(lines, parsed) {
                switch result {
                case nil: report.rejected.append(.init(line: line.number, message: line.problem ?? "unreadable"))
                case .failure(let error)?: report.rejected.append(.init(line: line.number, message: error.message))
                case .success(let imported)?:
                    if try await accept(
                        imported, line: line.number, earlier: earlier[line.number], stored: stored, session: session,
                        report: &report)
                    {
                        accepted.append(imported)
                    }
                }
                if strict, !report.rejected.isEmpty { return true }
            }
            try await session.upsert(accepted, stored: stored)
            return false
        }

        /// Whether a valid line may be imported: its id is not on an earlier line, and it keeps
        /// its debtor (or may change it). Refusals go into `report`.
        private func accept(
            _ imported: ImportedAgreement, line number: Int, earlier: Int?, stored: [Identifier: StoredVersion],
            session: any ImportSession, report: inout ImportReport
        ) async throws -> Bool {
            let agreement = imported.agreement
            if let earlier {
                report.rejected.append(
                    .init(line: number, message: "id \(agreement.id) already appears on line \(earlier)"))
                return false
            }
            guard let owner = stored[agreement.id]?.debtor, owner != agreement.debtor.id else { return true }
            guard allowDebtorChange else {
                report.rejected.append(
                    .init(
                        line: number,
                        message:
                            "\(agreement.id) belongs to debtor \(owner), this line gives \(agreement.debtor.id); "
                            + "pass --allow-debtor-change if it really moves to another person"))
                return false
            }
            report.debtorChanges.append(
                .init(line: number, agreement: agreement.id, from: owner, to: agreement.debtor.id))
            try await session.resetAdjustments(
                of: agreement.id, reason: "moved from debtor \(owner) to \(agreement.debtor.id) by an import")
            return true
        }
    }

    /// Validates events from JSON Lines `data`, in file order; an event for an unknown agreement
    /// is a bad line. Nothing is recorded: `Engine.record(_:at:)` does that.
    /// - Returns: the good events (none with `strict` when any line is bad) and the report.
    public func validateEvents(_ data: Data, strict: Bool) async throws(StoreError) -> (
        events: [Event], report: ImportReport
    ) {
        let (events, _, report) = try await validate(data, strict: strict, inbound: false)
        return (events, report)
    }

    /// `simulate --events`: events, and inbound messages (the lines with `received_at`, R31–R35),
    /// all validated; nothing is accepted when any line is bad.
    public func validateSimulationInput(_ data: Data) async throws(StoreError) -> (
        events: [Event], inbound: [InboundMessage], report: ImportReport
    ) {
        try await validate(data, strict: true, inbound: true)
    }

    private func validate(_ data: Data, strict: Bool, inbound acceptInbound: Bool) async throws(StoreError) -> (
        events: [Event], inbound: [InboundMessage], report: ImportReport
    ) {
        var report = ImportReport()
        var parsed: [(Int, Event)] = []
        var inbound: [InboundMessage] = []
        for line in JSONLines(data: data) {
            if let problem = line.problem {
                report.rejected.append(.init(line: line.number, message: problem))
                continue
            }
            guard case .text(let number, let text) = line else { continue }
            do {
                if acceptInbound, case .object(let fields)? = try? JSONValue.parse(line: text),
                    fields["received_at"] != nil
                {
                    inbound.append(try InboundImport.parse(line: text))
                } else {
                    parsed.append((number, try EventImport.parse(line: text)))
                }
            } catch {
                report.rejected.append(.init(line: number, message: error.message))
            }
        }
        let known = try await store.knownAgreements(Array(Set(parsed.map(\.1.agreement))))
        var accepted: [Event] = []
        for (number, event) in parsed {
            if known.contains(event.agreement) {
                accepted.append(event)
            } else {
                report.rejected.append(
                    .init(line: number, message: "agreement \(event.agreement) is not known; import it first"))
            }
        }
        report.rejected.sort { $0.line < $1.line }
        if strict, !report.rejected.isEmpty {
            report.abandoned = true
            return ([], [], report)
        }
        return (accepted, inbound, report)
    }
}
