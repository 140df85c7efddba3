import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl adjust ID`: change how one agreement is contacted, recorded like every change.
struct AdjustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adjust",
        abstract:
            "Change how one agreement is contacted: cadence profile, channel, preferred time, designated times, "
            + "minimum gap.",
        discussion: """
            An adjustment changes only what it names: --not-before 17:00 keeps an earlier --avoid-days sat. --clear \
            drops every earlier adjustment first (back to the imported values). A window that leaves no time is \
            refused (exit 64). Waiting jobs that no longer fit the new wishes are withdrawn at once (R5, R18). \
            Adjustments survive re-imports of the agreement and are recorded with their reason; explain shows them.
            """)

    @Argument(help: "The agreement id.") var agreement: Identifier
    @Option(help: ArgumentHelp("A cadence profile from [cadences.NAME] in the config, or standard.", valueName: "name"))
    var cadence: String?
    @Option(help: ArgumentHelp("The channel to prefer: sms, email, voice, letter.", valueName: "channel")) var channel:
        Channel?
    @Option(
        name: .customLong("preferred-time"),
        help: ArgumentHelp("The local time the debtor prefers (HH:MM).", valueName: "time")) var preferredTime: String?
    @Option(
        name: .customLong("not-before"),
        help: ArgumentHelp("R5: no contact before this local time (HH:MM).", valueName: "time")) var notBefore: String?
    @Option(
        name: .customLong("not-after"),
        help: ArgumentHelp("R5: no contact at or after this local time (HH:MM).", valueName: "time")) var notAfter:
        String?
    @Option(
        name: .customLong("avoid-days"),
        help: ArgumentHelp("R5: days never to contact, comma-separated (sun,sat).", valueName: "days")) var avoidDays:
        String?
    @Option(
        name: .customLong("avoid-channels"),
        help: ArgumentHelp("R5: channels never to use, comma-separated (voice).", valueName: "channels"))
    var avoidChannels: String?
    @Option(
        name: .customLong("min-gap-hours"),
        help: ArgumentHelp("A longer minimum gap between contacts (R8's 48 h at least).", valueName: "hours"))
    var minGapHours: Int?
    @Flag(help: "Drop every earlier adjustment first: back to the imported values.") var clear = false
    @Option(help: ArgumentHelp("Why, for the records.", valueName: "text")) var reason: String
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            let id = agreement
            let engine = try await storage.openEngine(logger: RapportCtl.logger)
            guard let stored = try await engine.store.agreement(id) else {
                throw Failure(.dataError, "agreement \(id) is not known")
            }
            let now = Date()
            let current = try await engine.store.portfolio(of: stored.agreement.debtor.id).states(at: now).first {
                $0.agreement.id == id
            }
            // What the debtor's designated times are now: the imported ones when clearing.
            let base =
                clear ? stored.agreement.inconvenient : current?.agreement.inconvenient ?? stored.agreement.inconvenient
            var adjustment = try parse(policy: engine.settings.policy, base: base)
            if clear { adjustment.clearsEarlier = true }
            guard !adjustment.summary.isEmpty else {
                throw Failure(.usage, "say what to adjust, or --clear (see rapportctl adjust --help)")
            }
            try await engine.store.adjust(id, adjustment, reason: reason, at: now)
            let withdrawn = try await engine.withdrawStale([id], at: now)
            print(
                "adjusted \(id): \(adjustment.summary)"
                    + (withdrawn > 0 ? "; \(withdrawn) waiting job(s) withdrawn" : ""))
        }
    }

    /// The adjustment the options name, its designated times built on `base` (what is in force)
    /// so that only what is named changes.
    private func parse(policy: Policy, base: Inconvenience?) throws(Failure) -> Adjustment {
        var adjustment = Adjustment()
        if let cadence {
            guard cadence == "standard" || policy.cadences[cadence] != nil else {
                throw Failure(
                    .usage,
                    "--cadence \"\(cadence)\" is not a profile; known: "
                        + "\((["standard"] + policy.cadences.keys.sorted()).joined(separator: ", "))"
                )
            }
            adjustment.cadence = cadence
        }
        if let channel { adjustment.preferredChannel = channel }
        func time(_ text: String?, _ option: String) throws(Failure) -> LocalTime? {
            guard let text else { return nil }
            guard let value = LocalTime(text), value.minutes < 1440 else {
                throw Failure(.usage, "--\(option) \"\(text)\" is not a time HH:MM")
            }
            return value
        }
        adjustment.preferredTime = try time(preferredTime, "preferred-time")
        let before = try time(notBefore, "not-before")
        let after = try time(notAfter, "not-after")
        var days: [Weekday] = []
        for text in (avoidDays ?? "").split(separator: ",") {
            guard let day = Weekday(rawValue: text.lowercased()) else {
                throw Failure(.usage, "--avoid-days \"\(text)\" is not one of mon, tue, wed, thu, fri, sat, sun")
            }
            days.append(day)
        }
        var channels: [Channel] = []
        for text in (avoidChannels ?? "").split(separator: ",") {
            guard let value = Channel(rawValue: String(text)) else {
                throw Failure(.usage, "--avoid-channels \"\(text)\" is not one of sms, email, voice, letter")
            }
            channels.append(value)
        }
        if before != nil || after != nil || avoidDays != nil || avoidChannels != nil {
            var limits = base ?? Inconvenience()
            if let before { limits.before = before }
            if let after { limits.after = after }
            if avoidDays != nil { limits.days = days }
            if avoidChannels != nil { limits.channels = channels }
            try checkWindow(limits, policy: policy)
            adjustment.inconvenient = limits
        }
        if let minGapHours {
            guard minGapHours >= policy.minGapHours, minGapHours <= 24 * 60 else {
                throw Failure(.usage, "--min-gap-hours must be between \(policy.minGapHours) (R8) and \(24 * 60)")
            }
            adjustment.minGapHours = minGapHours
        }
        return adjustment
    }

    /// R5 inside R1/R4: the designated times must leave some time to contact the debtor.
    private func checkWindow(_ limits: Inconvenience, policy: Policy) throws(Failure) {
        let start = max(policy.windowStart, limits.before ?? policy.windowStart)
        let end = min(policy.windowEnd, limits.after ?? policy.windowEnd)
        guard end.minutes - start.minutes >= policy.minimumSendMinutes else {
            throw Failure(
                .usage,
                "not before \(limits.before.map(\.description) ?? "-") and not after "
                    + "\(limits.after.map(\.description) ?? "-") leave no time "
                    + "inside the contact window \(policy.windowStart)-\(policy.windowEnd) (R5); change --not-before "
                    + "or --not-after"
            )
        }
        guard Set(policy.days).subtracting(limits.days).isEmpty == false else {
            throw Failure(.usage, "--avoid-days leaves no day to contact the debtor on (R5)")
        }
    }
}
