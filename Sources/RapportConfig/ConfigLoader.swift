import Foundation
import RapportCore
internal import TOMLKit

/// Reads `rapport.toml`.
///
/// Strict on purpose: an unknown key is almost always a typo that would silently leave a
/// default in force, so it is an error naming the key, as is a wrong type. Numbers that protect
/// the debtor may only be made stricter than the rulebook's defaults (R8), and the HARD hours
/// (R1) cannot be widened at all.
public enum ConfigLoader {
    /// Loads the file at `path`.
    public static func load(path: String) throws(ConfigError) -> Settings {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ConfigError(
                exists
                    ? "\(path): cannot be read (check its permissions)"
                    : "\(path): config file does not exist (pass --config or set RAPPORT_CONFIG)")
        }
        guard let text = String(data: data, encoding: .utf8), !text.contains("\0") else {
            throw ConfigError("\(path): not a UTF-8 text file")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: path, baseDirectory: base)
    }

    /// Parses TOML `text`; `file` names it in errors, relative paths resolve against `baseDirectory`.
    public static func parse(_ text: String, file: String, baseDirectory: String) throws(ConfigError) -> Settings {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError("\(file):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        } catch {
            throw ConfigError("\(file): not valid TOML")
        }
        var settings = Settings(templatesDirectory: resolve("templates", against: baseDirectory))
        settings.sourcePath = file
        let reader = Reader(file: file)
        try reader.onlyKeys(
            table,
            [
                "storage", "daemon", "delivery", "metrics", "templates", "sender", "window", "pacing", "cadence",
                "cadences", "channels", "jurisdictions", "records", "mail", "sms", "cluster",
            ], in: nil)

        for (name, keys) in SettingKey.sections {
            guard let section = try reader.section(table, name) else { continue }
            try reader.onlyKeys(section, keys.map(\.name), in: name)
            for key in keys {
                try key.read(
                    section, in: name, reader, resolving: { resolve($0, against: baseDirectory) }, into: &settings)
            }
        }
        settings.policy.collector = settings.sender.debtCollector
        if let window = try reader.section(table, "window") {
            try reader.onlyKeys(window, ["start", "end", "days", "holidays", "extra_holidays"], in: "window")
            if let value = try reader.time(window, "start", in: "window") {
                guard value >= HardLimits.earliest else {
                    throw reader.error("window", "start", "may not be before \(HardLimits.earliest) (R1 HARD)")
                }
                settings.policy.windowStart = value
            }
            if let value = try reader.time(window, "end", in: "window") {
                guard value <= HardLimits.latest else {
                    throw reader.error("window", "end", "may not be after \(HardLimits.latest) (R1 HARD)")
                }
                settings.policy.windowEnd = value
            }
            guard settings.policy.windowStart < settings.policy.windowEnd else {
                throw reader.error("window", "end", "must be later than start")
            }
            if let days = try reader.strings(window, "days", in: "window") {
                settings.policy.days = Set(
                    try days.map { text throws(ConfigError) -> Weekday in
                        guard let day = Weekday(rawValue: text.lowercased()) else {
                            throw reader.error(
                                "window", "days", "\"\(text)\" is not one of mon, tue, wed, thu, fri, sat, sun")
                        }
                        return day
                    })
            }
            var usFederal = settings.policy.holidays.usFederal
            if let lists = try reader.strings(window, "holidays", in: "window") {
                for name in lists where name != "us-federal" {
                    throw reader.error(
                        "window", "holidays",
                        "\"\(name)\" is not a shipped list (only \"us-federal\"); add dates to extra_holidays")
                }
                usFederal = lists.contains("us-federal")
            }
            let extra = try (reader.strings(window, "extra_holidays", in: "window") ?? []).map {
                text throws(ConfigError) -> LocalDate in
                guard let date = LocalDate(text) else {
                    throw reader.error("window", "extra_holidays", "\"\(text)\" is not a date YYYY-MM-DD")
                }
                return date
            }
            settings.policy.holidays = HolidayCalendar(usFederal: usFederal, extra: Set(extra))
        }
        if let cadence = try reader.section(table, "cadence") {
            try reader.onlyKeys(cadence, CadenceKey.all.map(\.name), in: "cadence")
            for key in CadenceKey.all { try key.read(cadence, in: "cadence", reader, into: &settings.policy) }
        }
        if let cadences = try reader.section(table, "cadences") {
            for name in cadences.keys.sorted() {
                guard let table = try reader.section(cadences, name, in: "cadences") else { continue }
                guard Identifier(name) != nil else {
                    throw reader.error("cadences", name, "is not a valid profile name (A-Za-z0-9._:-)")
                }
                let section = "cadences.\(name)"
                let keys = CadenceKey.all.filter(\.inProfiles)
                try reader.onlyKeys(table, keys.map(\.name), in: section)
                var profile = CadenceProfile()
                for key in keys { try key.read(table, in: section, reader, into: &profile) }
                settings.policy.cadences[name] = profile
            }
        }
        if let jurisdictions = try reader.section(table, "jurisdictions") {
            for name in jurisdictions.keys.sorted() {
                guard let profile = try reader.section(jurisdictions, name, in: "jurisdictions") else { continue }
                let section = "jurisdictions.\(name)"
                try reader.onlyKeys(profile, ["max_contacts_per_week", "max_calls_and_texts_per_week"], in: section)
                let shipped = JurisdictionLimits.shipped[name]
                var limits = shipped ?? JurisdictionLimits(name: name)
                if let value = try reader.integer(
                    profile, "max_contacts_per_week", in: section, range: 1...(shipped?.maxContactsPerWeek ?? 3),
                    why: "R9/R8: only stricter")
                {
                    limits.maxContactsPerWeek = value
                }
                if let value = try reader.integer(
                    profile, "max_calls_and_texts_per_week", in: section,
                    range: 1...(shipped?.maxCallsAndTextsPerWeek ?? 3), why: "R9/R8: only stricter")
                {
                    limits.maxCallsAndTextsPerWeek = value
                }
                settings.policy.jurisdictions[name] = limits
            }
        }
        if let channels = try reader.section(table, "channels") {
            try reader.onlyKeys(channels, ["order", "rate_per_minute"], in: "channels")
            if let rates = try reader.section(channels, "rate_per_minute", in: "channels") {
                for name in rates.keys.sorted() {
                    guard let channel = Channel(rawValue: name) else {
                        throw reader.error("channels.rate_per_minute", name, "is not one of sms, email, voice, letter")
                    }
                    if let rate = try reader.integer(rates, name, in: "channels.rate_per_minute", range: 1...1_000_000)
                    {
                        settings.policy.ratePerMinute[channel] = rate
                    }
                }
            }
            if let order = try reader.strings(channels, "order", in: "channels") {
                settings.policy.channelOrder = try order.map { text throws(ConfigError) -> Channel in
                    guard let channel = Channel(rawValue: text) else {
                        throw reader.error("channels", "order", "\"\(text)\" is not one of sms, email, voice, letter")
                    }
                    return channel
                }
            }
        }
        if let cluster = try reader.section(table, "cluster") {
            settings.cluster = try reader.cluster(cluster)
        }
        return settings
    }

    /// A path relative to `base`; a URL (a `postgres://` database) is left as it is.
    private static func resolve(_ path: String, against base: String) -> String {
        path.hasPrefix("/") || path.contains("://")
            ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }
}

/// Typed reads from TOML tables, each error naming `file: [section] key`.
/// A key of `[cadence]`, and of `[cadences.NAME]` where a profile may set it: one definition
/// (name, range, where the value goes) for both, so the two tables cannot drift apart.
private struct CadenceKey {
    enum Target {
        case integer(
            ClosedRange<Int>, why: String?, WritableKeyPath<Policy, Int>,
            profile: WritableKeyPath<CadenceProfile, Int?>?)
        case number(
            ClosedRange<Double>, WritableKeyPath<Policy, Double>, profile: WritableKeyPath<CadenceProfile, Double?>?)
        case flag(WritableKeyPath<Policy, Bool>)
    }

    let name: String
    let target: Target

    var inProfiles: Bool {
        switch target {
        case .integer(_, _, _, let profile): profile != nil
        case .number(_, _, let profile): profile != nil
        case .flag: false
        }
    }

    /// In the order `[cadence]` lists them in its error for an unknown key.
    static var all: [CadenceKey] {
        [
            CadenceKey(name: "pre_due_days", target: .integer(1...30, why: nil, \.preDueDays, profile: \.preDueDays)),
            CadenceKey(
                name: "letter_pre_due_days",
                target: .integer(
                    2...30, why: "R24: a letter must arrive before the date", \.letterPreDueDays, profile: nil)),
            CadenceKey(name: "due_day_reminder", target: .flag(\.dueDayReminder)),
            CadenceKey(
                name: "missed_grace_days",
                target: .integer(0...60, why: nil, \.missedGraceDays, profile: \.missedGraceDays)),
            CadenceKey(
                name: "follow_up_days", target: .integer(2...60, why: nil, \.followUpDays, profile: \.followUpDays)),
            CadenceKey(name: "backoff", target: .number(1...10, \.backoffFactor, profile: \.backoffFactor)),
            CadenceKey(
                name: "max_follow_up_gap_days",
                target: .integer(
                    2...31, why: "R10: up to a monthly check-in at most", \.maxFollowUpGapDays,
                    profile: \.maxFollowUpGapDays)),
            CadenceKey(name: "thanks_stale_days", target: .integer(1...60, why: nil, \.thanksStaleDays, profile: nil)),
            CadenceKey(name: "lookahead_hours", target: .integer(0...72, why: nil, \.lookaheadHours, profile: nil)),
            CadenceKey(name: "spread_minutes", target: .integer(1...720, why: nil, \.spreadMinutes, profile: nil)),
            CadenceKey(
                name: "minimum_send_minutes", target: .integer(5...240, why: nil, \.minimumSendMinutes, profile: nil)),
            CadenceKey(name: "grouping_days", target: .integer(0...14, why: nil, \.groupingDays, profile: nil)),
            CadenceKey(name: "escalate_after", target: .integer(1...20, why: nil, \.escalateAfter, profile: nil)),
        ]
    }

    /// Reads the key from `table` into the policy, when it is there.
    func read(_ table: TOMLTable, in section: String, _ reader: Reader, into policy: inout Policy)
        throws(ConfigError)
    {
        switch target {
        case .integer(let range, let why, let path, _):
            if let value = try reader.integer(table, name, in: section, range: range, why: why) {
                policy[keyPath: path] = value
            }
        case .number(let range, let path, _):
            if let value = try reader.number(table, name, in: section, range: range) { policy[keyPath: path] = value }
        case .flag(let path):
            if let value = try reader.bool(table, name, in: section) { policy[keyPath: path] = value }
        }
    }

    /// Reads the key from `table` into a cadence profile, when it is there.
    func read(_ table: TOMLTable, in section: String, _ reader: Reader, into profile: inout CadenceProfile)
        throws(ConfigError)
    {
        switch target {
        case .integer(let range, let why, _, let path?):
            profile[keyPath: path] = try reader.integer(table, name, in: section, range: range, why: why)
        case .number(let range, _, let path?):
            profile[keyPath: path] = try reader.number(table, name, in: section, range: range)
        case .integer, .number, .flag: break
        }
    }
}

struct Reader {
    let file: String

    func error(_ section: String?, _ key: String, _ problem: String) -> ConfigError {
        ConfigError("\(file): " + (section.map { "[\($0)] " } ?? "") + "\(key) \(problem)")
    }

    func onlyKeys(_ table: TOMLTable, _ allowed: [String], in section: String?) throws(ConfigError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            throw error(section, key, "is not a known key (known: \(allowed.joined(separator: ", ")))")
        }
    }

    func section(_ table: TOMLTable, _ key: String, in parent: String? = nil) throws(ConfigError) -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard let section = value.table else {
            throw error(parent, key, "must be a table ([\(parent.map { "\($0)." } ?? "")\(key)])")
        }
        return section
    }

    func string(_ table: TOMLTable, _ key: String, in section: String) throws(ConfigError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw error(section, key, "must be a string") }
        return text
    }

    func bool(_ table: TOMLTable, _ key: String, in section: String) throws(ConfigError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw error(section, key, "must be true or false") }
        return flag
    }

    func integer(_ table: TOMLTable, _ key: String, in section: String, range: ClosedRange<Int>, why: String? = nil)
        throws(ConfigError) -> Int?
    {
        guard let value = table[key] else { return nil }
        guard value.type == .int, let number = value.int else { throw error(section, key, "must be a whole number") }
        guard range.contains(number) else {
            throw error(
                section, key,
                "must be between \(range.lowerBound) and \(range.upperBound)" + (why.map { " (\($0))" } ?? ""))
        }
        return number
    }

    func number(_ table: TOMLTable, _ key: String, in section: String, range: ClosedRange<Double>) throws(ConfigError)
        -> Double?
    {
        guard let value = table[key] else { return nil }
        let number: Double
        if value.type == .int, let int = value.int {
            number = Double(int)
        } else if value.type == .double, let double = value.double {
            number = double
        } else {
            throw error(section, key, "must be a number")
        }
        guard range.contains(number) else {
            throw error(section, key, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    func time(_ table: TOMLTable, _ key: String, in section: String) throws(ConfigError) -> LocalTime? {
        guard let text = try string(table, key, in: section) else { return nil }
        guard let time = LocalTime(text) else { throw error(section, key, "\"\(text)\" is not a time \"HH:MM\"") }
        return time
    }

    func strings(_ table: TOMLTable, _ key: String, in section: String) throws(ConfigError) -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw error(section, key, "must be an array of strings") }
        var items: [String] = []
        for item in array {
            guard let text = item.string else { throw error(section, key, "must be an array of strings") }
            items.append(text)
        }
        return items
    }
}
