import Foundation
import RapportCore
import RapportStore

/// What an import did, and every line it refused.
public struct ImportReport: Sendable {
    /// A refused line and why.
    public struct Rejection: Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    public var agreements = ImportSummary()
    public var rejected: [Rejection] = []
    /// True when `--strict` refused the whole file because of a bad line.
    public var abandoned = false
}

/// Reads JSON Lines for `rapportctl import`: validates every line with its line number,
/// imports the good ones in one transaction (or, with `strict`, none if any is bad).
public struct Importer: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// How many parsed agreements are written at a time inside the import's transaction.
    static let chunkSize = 2_000

    /// Imports agreements from JSON Lines `data`.
    public func importAgreements(_ data: Data, strict: Bool, at now: Date) throws(StoreError) -> ImportReport {
        try importAgreements(JSONLines(data: data), strict: strict, at: now)
    }

    /// Imports agreements line by line, in one transaction: memory holds one chunk, never the
    /// file. Good lines are imported and bad ones reported by number; with `strict` a single
    /// bad line rolls everything back.
    public func importAgreements(_ lines: JSONLines, strict: Bool, at now: Date) throws(StoreError) -> ImportReport {
        var report = ImportReport()
        var lines = lines
        report.agreements = try store.importing(at: now) { session in
            var chunk: [Agreement] = []
            while let line = lines.next() {
                switch line {
                case .notUTF8(let number):
                    report.rejected.append(.init(line: number, message: "not UTF-8 text"))
                case .tooLong(let number):
                    report.rejected.append(.init(line: number, message: "longer than \(JSONLines.maxLineBytes / 1024) KiB; no agreement needs that much"))
                case .text(let number, let text):
                    do {
                        let agreement = try AgreementImport.parse(line: text)
                        if let earlier = try session.firstLine(of: agreement.id, line: number) {
                            report.rejected.append(.init(line: number, message: "id \(agreement.id) already appears on line \(earlier)"))
                            continue
                        }
                        chunk.append(agreement)
                    } catch let error as ImportError {
                        report.rejected.append(.init(line: number, message: error.message))
                    }
                }
                if strict, !report.rejected.isEmpty { break }
                if chunk.count >= Self.chunkSize {
                    try session.upsert(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if let code = lines.readError { throw StoreError(.unusable, "the input could not be read to its end: \(String(cString: strerror(code)))") }
            if strict, !report.rejected.isEmpty {
                report.abandoned = true
                return false
            }
            try session.upsert(chunk)
            return true
        }
        return report
    }

    /// Splits raw input into numbered lines, skipping blank ones; a line that is not UTF-8 or
    /// is too long comes back without text so it can be rejected by number.
    static func lines(of data: Data) -> [JSONLines.Line] {
        Array(JSONLines(data: data))
    }

    /// Validates events from JSON Lines `data`, in file order; an event for an unknown agreement
    /// is a bad line. Nothing is recorded: `Engine.record(_:at:)` does that.
    /// - Returns: the good events (none with `strict` when any line is bad) and the report.
    public func validateEvents(_ data: Data, strict: Bool) throws(StoreError) -> (events: [Event], report: ImportReport) {
        var report = ImportReport()
        var parsed: [(Int, Event)] = []
        for line in Self.lines(of: data) {
            guard case .text(let number, let text) = line else {
                report.rejected.append(.init(line: line.number, message: line == .notUTF8(line.number) ? "not UTF-8 text" : "longer than \(JSONLines.maxLineBytes / 1024) KiB"))
                continue
            }
            do {
                parsed.append((number, try EventImport.parse(line: text)))
            } catch {
                report.rejected.append(.init(line: number, message: error.message))
            }
        }
        let known = try store.knownAgreements(Set(parsed.map(\.1.agreement)))
        var accepted: [Event] = []
        for (number, event) in parsed {
            if known.contains(event.agreement) {
                accepted.append(event)
            } else {
                report.rejected.append(.init(line: number, message: "agreement \(event.agreement) is not known; import it first"))
            }
        }
        report.rejected.sort { $0.line < $1.line }
        if strict, !report.rejected.isEmpty {
            report.abandoned = true
            return ([], report)
        }
        return (accepted, report)
    }
}
