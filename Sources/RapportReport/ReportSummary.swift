import Foundation
import RapportCore

/// The report in sentences: what a reader takes away before looking at a chart. Every figure
/// in them is one the charts and tables show too.
struct ReportSummary {
    let figures: ReportFigures

    private func count(_ value: Int) -> String { AxisScale.grouped(value) }

    /// "a message" / "12 messages".
    private func plural(_ value: Int, _ one: String, _ many: String) -> String {
        value == 1 ? "1 \(one)" : "\(count(value)) \(many)"
    }

    var period: String {
        guard let first = figures.days.first?.date, let last = figures.days.last?.date else { return "of no day" }
        return "from \(first) to \(last) (UTC days)"
    }

    var lines: [String] { [contacts, headroom, arrears, outcomes, stops, inbox] }

    var contacts: String {
        let total = figures.days.reduce(0) { $0 + $1.total }
        let byChannel = Channel.allCases.map { channel in
            (channel, figures.days.reduce(0) { $0 + ($1.contacts[channel] ?? 0) })
        }
        let words = [("SMS", "SMS"), ("e-mail", "e-mails"), ("call", "calls"), ("letter", "letters")]
        let parts = zip(byChannel, words).map { plural($0.1, $1.0, $1.1) }
        var text =
            "Over the next \(figures.days.count) days Rapport expects to send \(plural(total, "message", "messages"))"
            + " (\(parts.joined(separator: ", "))), if nothing new is recorded."
        if let busiest = figures.days.max(by: { $0.total < $1.total }), busiest.total > 0 {
            text += " The busiest day is \(ReportChart.caption(busiest.date)) with \(count(busiest.total));"
            let quiet = figures.days.filter { $0.total == 0 }.count
            text += quiet == 0 ? " Every day has some." : " \(plural(quiet, "day has", "days have")) none."
        }
        return text
    }

    var headroom: String {
        guard let most = figures.days.max(by: { $0.atCap < $1.atCap }), most.atCap > 0 else {
            return "No debtor reaches the weekly cap of \(figures.weeklyCap) contacts (R8) in these days."
        }
        let average = Double(figures.days.reduce(0) { $0 + $1.atCap }) / Double(figures.days.count)
        return "At most \(plural(most.atCap, "debtor is", "debtors are")) at the weekly cap of"
            + " \(figures.weeklyCap) contacts (R8) on one day (\(ReportChart.caption(most.date))),"
            + " \(String(format: "%.1f", average)) a day on average: nothing more can reach them that week."
    }

    var arrears: String {
        let currencies = figures.arrears.keys.sorted()
        let agreements = figures.arrears.values.flatMap { $0 }.reduce(0) { $0 + $1.agreements }
        guard agreements > 0 else { return "No agreement is in arrears." }
        let amounts = currencies.compactMap { currency in
            figures.arrears[currency].map { "\(ReportFigures.shownTotal($0)) \(currency)" }
        }
        let partial = figures.arrears.values.contains { $0.contains { !$0.amountShown } }
        let old = figures.arrears.values.flatMap { $0.suffix(2) }.reduce(0) { $0 + $1.agreements }
        return "\(plural(agreements, "agreement is", "agreements are")) in arrears, \(amounts.joined(separator: ", "))"
            + (partial
                ? " overdue in the age bands of \(ReportFigures.smallestGroup) agreements or more" : " overdue in all")
            + "; \(count(old)) of them for more than 90 days."
    }

    var outcomes: String {
        func total(_ outcome: ReportFigures.Outcome) -> Int {
            figures.outcomes.reduce(0) { $0 + ($1.counts[outcome] ?? 0) }
        }
        let unusable = figures.outcomes.reduce(0) { $0 + $1.unusableAddresses }
        return "In the last 30 days \(count(total(.delivered))) messages were delivered, \(count(total(.failed)))"
            + " failed, \(count(total(.expired))) expired unsent and \(count(total(.withdrawn))) were withdrawn;"
            + " \(plural(unusable, "address is", "addresses are")) unusable until the debtor gives a new one (R35)."
    }

    var stops: String {
        let stopped = figures.stops.filter { $0.agreements > 0 }
        guard let most = stopped.max(by: { $0.agreements < $1.agreements }) else { return "No stop is in force." }
        return "Stops in force: \(stopped.map { "\(count($0.agreements)) \($0.kind.label)" }.joined(separator: ", "))."
            + " The most common is \(most.kind.label)."
    }

    var inbox: String {
        guard figures.inboxWaiting > 0, let oldest = figures.inboxOldest else {
            return "No reply waits for a person."
        }
        let hours = Int(figures.generatedAt.timeIntervalSince(oldest) / 3_600)
        let age = hours >= 48 ? "\(hours / 24) days" : plural(hours, "hour", "hours")
        return "\(plural(figures.inboxWaiting, "reply waits", "replies wait")) for a person (rapportctl inbox ls);"
            + " the oldest since \(Timestamp.rfc3339(oldest)), \(age) ago."
    }
}
