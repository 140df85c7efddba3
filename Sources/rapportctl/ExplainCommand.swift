import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl explain ID`: the decision and every step of its reasoning.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Show what Rapport decides for an agreement right now, and why.")

    @Argument(help: "The agreement id.") var agreement: Identifier
    @Option(
        help: ArgumentHelp("Explain as of this instant (RFC 3339) instead of now.", valueName: "instant"),
        transform: Instant.parse)
    var at: Date?

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            let id = agreement
            let engine = try await storage.openEngine(logger: RapportCtl.logger)
            let now = at ?? Date()
            guard let explanation = try await engine.explain(id, at: now) else {
                throw Failure(.dataError, "agreement \(id) is not known")
            }
            print(ExplainText.render(explanation, now: now), terminator: "")
        }
    }
}

/// The text of `explain`, kept apart from the command so it can be read as one page.
enum ExplainText {
    static func render(_ explanation: Explanation, now: Date) -> String {
        let state = explanation.state
        // As the planner sees it: the import with the operator's adjustment applied.
        let agreement = state.agreement
        var lines: [String] = []
        let zones =
            agreement.candidateZones.isEmpty ? "no time zone" : agreement.candidateZones.joined(separator: " + ")
        lines.append(
            "\(agreement.id) · debtor \(agreement.debtor.id) "
                + "(\(agreement.debtor.greetingName ?? agreement.debtor.name)) · \(zones) "
                + "· version \(explanation.stored.version)"
        )
        let channels = agreement.contacts.keys.sorted().map { channel in
            if let bounce = state.bounce(on: channel) {
                return channel.rawValue
                    + " (bounced permanently: \(bounce.reason ?? "5.x.x"); unusable until the address changes, R35)"
            }
            return channel.rawValue
                + (state.optedOut.contains(channel)
                    ? " (opted out)" : channel == .sms && !agreement.consent.sms ? " (no consent)" : "")
        }
        lines.append(
            "channels: \(channels.joined(separator: ", "))"
                + (agreement.preferredChannel.map { "; prefers \($0.rawValue)" } ?? ""))
        lines.append("cadence: \(agreement.cadence)" + (agreement.jurisdiction.map { "; jurisdiction \($0)" } ?? ""))
        if let adjustment = state.adjustment { lines.append("adjusted: \(adjustment.summary)") }
        lines.append("")
        lines.append("installments:")
        if agreement.installments.isEmpty { lines.append("  (none)") }
        for installment in agreement.installments {
            let paid = installment.amount - state.remaining(installment)
            lines.append(
                "  \(installment.id)  due \(installment.due)  \(installment.amount) \(agreement.currency)  paid \(paid)"
                    + (state.isPaid(installment) ? "  ✓" : ""))
        }
        if !explanation.events.isEmpty {
            lines.append("")
            lines.append("events:")
            for event in explanation.events {
                let details =
                    event.payloadKey.isEmpty ? "" : "  " + event.payloadKey.replacingOccurrences(of: "&", with: " ")
                lines.append("  \(Timestamp.rfc3339(event.at))  \(event.type.rawValue)\(details)")
            }
        }
        lines.append("")
        lines.append("decision at \(Timestamp.rfc3339(now)): \(explanation.decision.summary)")
        for step in explanation.decision.trace.lines { lines.append("  · \(step)") }
        if !explanation.jobs.isEmpty {
            lines.append("")
            lines.append("jobs:")
            for job in explanation.jobs {
                lines.append(
                    "  \(job.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(job.fileName)  "
                        + "\(job.kind.rawValue)"
                        + (job.detail.map { "  (\($0))" } ?? ""))
            }
        }
        if !explanation.decisions.isEmpty {
            lines.append("")
            lines.append("recorded decisions:")
            for record in explanation.decisions {
                lines.append(
                    "  \(Timestamp.rfc3339(record.at))  \(record.outcome)" + (record.jobID.map { " \($0)" } ?? "")
                        + ": \(record.reason)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
