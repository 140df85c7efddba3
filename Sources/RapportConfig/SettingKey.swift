import RapportCore
internal import TOMLKit

/// One key of a flat config section: its name, its type and bounds, and where its value goes
/// in `Settings`. Each section's keys are listed once, in `SettingKey.sections`: what a section
/// accepts (an unknown key is refused with the list), how each value is checked and where it
/// lands cannot drift apart. `[cadence]` and its profiles have their own table (`CadenceKey`);
/// `[window]`, `[channels]` and `[jurisdictions]` hold lists and tables of their own.
struct SettingKey {
    enum Target {
        case integer(ClosedRange<Int>, why: String?, WritableKeyPath<Settings, Int>)
        case optionalInteger(ClosedRange<Int>, why: String?, WritableKeyPath<Settings, Int?>)
        case number(ClosedRange<Double>, WritableKeyPath<Settings, Double>)
        case flag(WritableKeyPath<Settings, Bool>)
        /// Text; `check` returns what is wrong with a value, if anything.
        case text(WritableKeyPath<Settings, String>, check: (@Sendable (String) -> String?)? = nil)
        /// Text where an empty value means "not set".
        case optionalText(WritableKeyPath<Settings, String?>, check: (@Sendable (String) -> String?)? = nil)
        /// A path, relative to the config file's folder unless absolute.
        case path(WritableKeyPath<Settings, String>)
        /// A path where an empty value means "not set".
        case optionalPath(WritableKeyPath<Settings, String?>, check: (@Sendable (String) -> String?)? = nil)
    }

    let name: String
    let target: Target

    init(_ name: String, _ target: Target) {
        self.name = name
        self.target = target
    }

    /// The flat sections, in the order they are read, each with its keys in the order an error
    /// for an unknown key lists them. (Computed, as `CadenceKey.all` is: key paths are not
    /// `Sendable`, so a stored global table of them could not be shared.)
    static var sections: [(section: String, keys: [SettingKey])] {
        [
            (
                "storage",
                [
                    SettingKey("database", .path(\.storage.database)),
                    SettingKey("spool", .path(\.storage.spool)),
                    SettingKey("busy_timeout_seconds", .number(0...3600, \.storage.busyTimeoutSeconds)),
                    SettingKey("spool_group", .optionalText(\.storage.spoolGroup)),
                    SettingKey("password_file", .optionalPath(\.storage.passwordFile)),
                    SettingKey("connect_wait_seconds", .number(0...86_400, \.storage.connectWaitSeconds)),
                ]
            ),
            (
                "daemon",
                [
                    SettingKey("tick_seconds", .integer(1...3600, why: nil, \.daemon.tickSeconds)),
                    SettingKey("batch_size", .integer(1...100_000, why: nil, \.daemon.batchSize)),
                ]
            ),
            (
                "records",
                [
                    SettingKey(
                        "retention_years",
                        .optionalInteger(
                            3...100, why: "R30: kept at least 3 years after the last activity", \.recordRetentionYears))
                ]
            ),
            (
                "metrics",
                [
                    SettingKey(
                        "textfile",
                        .optionalPath(
                            \.metricsPath,
                            check: {
                                $0.hasSuffix(".prom") ? nil : "must end in .prom (node_exporter reads only those)"
                            }))
                ]
            ),
            (
                "delivery",
                [
                    SettingKey("retry_after_minutes", .integer(5...10_080, why: nil, \.policy.retryAfterMinutes)),
                    SettingKey("failures_before_unusable", .integer(1...20, why: nil, \.policy.failuresBeforeUnusable)),
                    SettingKey("claim_lease_minutes", .integer(1...10_080, why: nil, \.delivery.claimLeaseMinutes)),
                    SettingKey("outcome_retention_days", .integer(1...3650, why: nil, \.delivery.outcomeRetentionDays)),
                ]
            ),
            ("templates", [SettingKey("directory", .path(\.templatesDirectory))]),
            (
                "mail",
                [
                    SettingKey(
                        "from",
                        .text(
                            \.mail.from,
                            check: { value in
                                value.contains("@") && !value.contains("\n") && !value.contains("\r")
                                    ? nil : "must be an address like \"Acme Lending <billing@acme.example>\""
                            })),
                    SettingKey(
                        "envelope",
                        .text(
                            \.mail.envelope,
                            check: { value in
                                value.isEmpty || (value.contains("@") && !value.contains("+") && !value.contains(" "))
                                    ? nil : "must be a bare address without + like bounces@acme.example"
                            })),
                    SettingKey("sendmail", .text(\.mail.sendmail)),
                    SettingKey("replies", .optionalPath(\.mail.replies)),
                    SettingKey(
                        "unsubscribe_url",
                        .optionalText(
                            \.mail.unsubscribeURL,
                            check: {
                                $0.hasPrefix("https://")
                                    ? nil : "must be an https:// URL (RFC 8058 one-click unsubscribe)"
                            })),
                ]
            ),
            ("sms", smsKeys),
            (
                "sender",
                [
                    SettingKey("business_name", .text(\.sender.businessName)),
                    SettingKey("phone", .text(\.sender.phone)),
                    SettingKey("phone_hours", .text(\.sender.phoneHours)),
                    SettingKey("phone_hours_es", .text(\.sender.phoneHoursSpanish)),
                    SettingKey("contact_person", .text(\.sender.contactPerson)),
                    SettingKey("contact_person_es", .text(\.sender.contactPersonSpanish)),
                    SettingKey("help_url", .text(\.sender.helpURL)),
                    SettingKey("pay_url", .text(\.sender.payURL)),
                    SettingKey("pay_instructions", .text(\.sender.payInstructions)),
                    SettingKey("pay_instructions_es", .text(\.sender.payInstructionsSpanish)),
                    SettingKey(
                        "answer_within_days",
                        .integer(1...10, why: "R40: a person answers within working days", \.sender.answerWithinDays)),
                    SettingKey("debt_collector", .flag(\.sender.debtCollector)),
                    SettingKey("disclosure", .text(\.sender.disclosure)),
                    SettingKey("sms_disclosure", .text(\.sender.smsDisclosure)),
                    SettingKey("initial_disclosure", .text(\.sender.initialDisclosure)),
                ]
            ),
            (
                "pacing",
                [
                    SettingKey(
                        "max_per_day", .integer(1...1, why: "R8: at most 1 contact per local day", \.policy.maxPerDay)),
                    SettingKey(
                        "min_gap_hours",
                        .integer(48...24 * 60, why: "R8: at least 48 hours between contacts", \.policy.minGapHours)),
                    SettingKey(
                        "max_per_week", .integer(1...3, why: "R8: at most 3 contacts in 7 days", \.policy.maxPerWeek)),
                ]
            ),
        ]
    }

    /// What is wrong with a value that must be an http:// or https:// URL, if anything.
    private static func httpURL(_ value: String) -> String? {
        value.hasPrefix("http://") || value.hasPrefix("https://") ? nil : "must be an http(s):// URL"
    }

    /// `[sms]` (contract, "SMS delivery").
    private static var smsKeys: [SettingKey] {
        [
            SettingKey(
                "provider",
                .text(
                    \.smsProviderName,
                    check: { Settings.SMS.Provider(rawValue: $0) == nil ? "must be kannel or twilio" : nil })),
            SettingKey(
                "url",
                .text(
                    \.sms.url,
                    check: httpURL)),
            SettingKey("username", .text(\.sms.username)),
            SettingKey("password_file", .optionalPath(\.sms.passwordFile)),
            SettingKey("from", .text(\.sms.from)),
            SettingKey(
                "listen",
                .text(
                    \.sms.listen,
                    check: { Settings.SMS.address($0) == nil ? "must be host:port like 127.0.0.1:13080" : nil })),
            SettingKey("secret_file", .optionalPath(\.sms.secretFile)),
            SettingKey(
                "dlr_mask", .integer(0...31, why: "Kannel's dlr-mask is a sum of 1, 2, 4, 8 and 16", \.sms.dlrMask)),
            SettingKey("rate_per_second", .number(0.1...10_000, \.sms.ratePerSecond)),
            SettingKey(
                "public_url",
                .optionalText(
                    \.sms.publicURL,
                    check: httpURL)),
        ]
    }

    /// Reads the key from `table` into `settings`, when it is there.
    func read(
        _ table: TOMLTable, in section: String, _ reader: Reader, resolving resolve: (String) -> String,
        into settings: inout Settings
    ) throws(ConfigError) {
        func checked(_ value: String, _ check: (@Sendable (String) -> String?)?) throws(ConfigError) -> String {
            if let problem = check?(value) { throw reader.error(section, name, problem) }
            return value
        }
        switch target {
        case .integer(let range, let why, let path):
            if let value = try reader.integer(table, name, in: section, range: range, why: why) {
                settings[keyPath: path] = value
            }
        case .optionalInteger(let range, let why, let path):
            if let value = try reader.integer(table, name, in: section, range: range, why: why) {
                settings[keyPath: path] = value
            }
        case .number(let range, let path):
            if let value = try reader.number(table, name, in: section, range: range) { settings[keyPath: path] = value }
        case .flag(let path):
            if let value = try reader.bool(table, name, in: section) { settings[keyPath: path] = value }
        case .text(let path, let check):
            if let value = try reader.string(table, name, in: section) {
                settings[keyPath: path] = try checked(value, check)
            }
        case .optionalText(let path, let check):
            if let value = try reader.string(table, name, in: section), !value.isEmpty {
                settings[keyPath: path] = try checked(value, check)
            }
        case .path(let path):
            if let value = try reader.string(table, name, in: section) { settings[keyPath: path] = resolve(value) }
        case .optionalPath(let path, let check):
            if let value = try reader.string(table, name, in: section), !value.isEmpty {
                settings[keyPath: path] = resolve(try checked(value, check))
            }
        }
    }
}
