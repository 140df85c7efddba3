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

    /// Splits raw input into numbered lines, skipping blank ones; a line that is not UTF-8
    /// comes back as nil so it can be rejected by number.
    public static func lines(of data: Data) -> [(number: Int, text: String?)] {
        var result: [(Int, String?)] = []
        var number = 0
        for slice in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            let trimmed = slice.last == UInt8(ascii: "\r") ? slice.dropLast() : slice
            if trimmed.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            result.append((number, String(validating: trimmed, as: UTF8.self)))
        }
        return result
    }

    /// Imports agreements from JSON Lines `data`.
    public func importAgreements(_ data: Data, strict: Bool, at now: Date) throws(StoreError) -> ImportReport {
        var report = ImportReport()
        var accepted: [Agreement] = []
        var firstLine: [Identifier: Int] = [:]
        for (number, text) in Self.lines(of: data) {
            guard let text else {
                report.rejected.append(.init(line: number, message: "not UTF-8 text"))
                continue
            }
            do {
                let agreement = try AgreementImport.parse(line: text)
                if let earlier = firstLine[agreement.id] {
                    report.rejected.append(.init(line: number, message: "id \(agreement.id) already appears on line \(earlier)"))
                    continue
                }
                firstLine[agreement.id] = number
                accepted.append(agreement)
            } catch {
                report.rejected.append(.init(line: number, message: error.message))
            }
        }
        if strict, !report.rejected.isEmpty {
            report.abandoned = true
            return report
        }
        report.agreements = try store.upsert(accepted, at: now)
        return report
    }

    /// Validates events from JSON Lines `data`, in file order; an event for an unknown agreement
    /// is a bad line. Nothing is recorded: `Engine.record(_:at:)` does that.
    /// - Returns: the good events (none with `strict` when any line is bad) and the report.
    public func validateEvents(_ data: Data, strict: Bool) throws(StoreError) -> (events: [Event], report: ImportReport) {
        var report = ImportReport()
        var parsed: [(Int, Event)] = []
        for (number, text) in Self.lines(of: data) {
            guard let text else {
                report.rejected.append(.init(line: number, message: "not UTF-8 text"))
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
