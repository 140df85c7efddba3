import Foundation
import RapportCore
import RapportTestSupport
import Testing
@testable import RapportConfig

/// `rapport.toml`: the shipped file, and every way a config can be wrong.
@Suite("Config")
struct ConfigTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func parse(_ text: String) throws(ConfigError) -> Settings {
        try ConfigLoader.parse(text, file: "test.toml", baseDirectory: "/etc/rapport")
    }

    func message(_ text: String) -> String? {
        do { _ = try parse(text); return nil } catch { return error.message }
    }

    @Test("The shipped config loads, and its values are the rulebook's defaults (R4, R8, R24, R25)")
    func shipped() async throws {
        let settings = try ConfigLoader.load(path: Self.repository.appendingPathComponent("config/rapport.toml").path)
        var rulebook = settings.policy
        rulebook.cadences = [:]
        #expect(rulebook == Policy.standard, "every [cadence], [window] and [pacing] value is the rulebook's default")
        #expect(settings.policy.cadences["gentle"]?.followUpDays == 14)
        #expect(settings.policy.jurisdictions == JurisdictionLimits.shipped)
        #expect(settings.templatesDirectory == Self.repository.appendingPathComponent("config/templates").path)
        #expect(settings.daemon.tickSeconds == 60)
    }

    @Test("An empty config is all defaults")
    func empty() async throws {
        let settings = try parse("")
        #expect(settings.policy == .standard)
        #expect(settings.storage.database == "/var/lib/rapport/rapport.sqlite")
        #expect(settings.templatesDirectory == "/etc/rapport/templates")
    }

    @Test("Unknown keys and wrong types name the file, section and key")
    func badKeys() {
        #expect(
            message("[pacing]\nmax_per_dya = 1")
                == "test.toml: [pacing] max_per_dya is not a known key "
                + "(known: max_per_day, min_gap_hours, max_per_week)"
        )
        #expect(
            message("[daemon]\ntick_seconds = \"60\"")?.contains("[daemon] tick_seconds must be a whole number") == true
        )
        #expect(message("[nonsense]\nx = 1")?.contains("nonsense is not a known key") == true)
        #expect(message("storage = 3")?.contains("storage must be a table") == true)
        #expect(message("[window]\ndays = [\"funday\"]")?.contains("[window] days \"funday\"") == true)
    }

    @Test("R1 HARD: the window cannot open before 08:00 or close after 21:00")
    func hardHours() throws {
        #expect(message("[window]\nstart = \"07:30\"")?.contains("R1 HARD") == true)
        #expect(message("[window]\nend = \"21:30\"")?.contains("R1 HARD") == true)
        #expect(message("[window]\nstart = \"10:00\"\nend = \"09:00\"")?.contains("later than start") == true)
        #expect(try parse("[window]\nstart = \"08:00\"\nend = \"21:00\"").policy.windowEnd == LocalTime("21:00"))
    }

    @Test("R8: pacing may only be made stricter")
    func stricterPacing() throws {
        #expect(message("[pacing]\nmax_per_week = 5")?.contains("R8") == true)
        #expect(message("[pacing]\nmin_gap_hours = 24")?.contains("R8") == true)
        #expect(message("[pacing]\nmax_per_day = 2")?.contains("R8") == true)
        #expect(try parse("[pacing]\nmax_per_week = 2\nmin_gap_hours = 72").policy.maxPerWeek == 2)
    }

    @Test("R9: jurisdiction profiles may only be made stricter; cadence profiles name valid keys")
    func profiles() throws {
        #expect(
            message("[jurisdictions.US-MA]\nmax_calls_and_texts_per_week = 5")?.contains(
                "[jurisdictions.US-MA] max_calls_and_texts_per_week must be between 1 and 2") == true)
        #expect(
            try parse("[jurisdictions.US-NY]\nmax_contacts_per_week = 2").policy.jurisdictions["US-NY"]?
                .maxContactsPerWeek == 2)
        #expect(
            message("[cadences.slow]\nfollowup_days = 9")?.contains("[cadences.slow] followup_days is not a known key")
                == true)
        #expect(try parse("[cadences.slow]\nfollow_up_days = 21").policy.cadences["slow"]?.followUpDays == 21)
    }

    @Test("R30: record retention is optional and never shorter than 3 years")
    func retention() throws {
        #expect(try parse("").recordRetentionYears == nil)
        #expect(try parse("[records]\nretention_years = 7").recordRetentionYears == 7)
        #expect(message("[records]\nretention_years = 2")?.contains("R30") == true)
    }

    @Test("TOML syntax errors give the line and column")
    func syntax() {
        #expect(message("[window]\nstart = ")?.hasPrefix("test.toml:2:") == true)
    }

    @Test("A missing or binary config file is one clear line")
    func files() async throws {
        #expect(throws: ConfigError.self) { _ = try ConfigLoader.load(path: "/nonexistent/rapport.toml") }
        let folder = try TemporaryFolder("config")
        let binary = folder.appending("binary.toml")
        try Data([0, 1, 2, 0xFF, 0xFE]).write(to: binary)
        #expect {
            _ = try ConfigLoader.load(path: binary.path)
        } throws: { error in
            "\(error)".contains("not a UTF-8 text file")
        }
    }
}

extension ConfigTests {
    @Test("[mail]: from, envelope, sendmail, replies, unsubscribe_url; each bad value names its key")
    func mail() async throws {
        let good = try ConfigLoader.parse(
            """
            [mail]
            from = "Acme Lending <billing@acme.example>"
            envelope = "bounces@acme.example"
            sendmail = "/usr/bin/msmtp"
            replies = "mail/replies"
            unsubscribe_url = "https://acme.example/u/{{job}}"
            """, file: "r.toml", baseDirectory: "/etc/rapport")
        #expect(good.mail.from == "Acme Lending <billing@acme.example>" && good.mail.sendmail == "/usr/bin/msmtp")
        #expect(
            good.mail.replies == "/etc/rapport/mail/replies"
                && good.mail.unsubscribeURL == "https://acme.example/u/{{job}}")
        for (text, key) in [
            ("[mail]\nfrom = \"nobody\"", "[mail] from"),
            ("[mail]\nenvelope = \"bounces+x@a.example\"", "[mail] envelope"),
            ("[mail]\nunsubscribe_url = \"http://a.example/u\"", "[mail] unsubscribe_url"),
            ("[mail]\nfrm = \"a@b.c\"", "[mail] frm"),
        ] {
            #expect { _ = try ConfigLoader.parse(text, file: "r.toml", baseDirectory: "/") } throws: {
                "\($0)".contains(key)
            }
        }
    }

    @Test(
        "R10 R24 R25: a profile key reads as in [cadence], with the same range; profile-only keys are refused",
        arguments: [
            ("pre_due_days", "31"), ("missed_grace_days", "61"), ("follow_up_days", "1"), ("backoff", "11.0"),
            ("max_follow_up_gap_days", "32"),
        ])
    func profileKeysAreCadenceKeys(key: String, outOfRange: String) async throws {
        let inCadence = try #require(message("[cadence]\n\(key) = \(outOfRange)"))
        let inProfile = try #require(message("[cadences.slow]\n\(key) = \(outOfRange)"))
        #expect(inCadence.replacingOccurrences(of: "[cadence]", with: "[cadences.slow]") == inProfile)
        #expect(
            message("[cadences.slow]\nlookahead_hours = 24")?.contains(
                "[cadences.slow] lookahead_hours is not a known key")
                == true)
    }

    @Test("Every flat section is read through its table of keys: an unknown key is refused with the section's keys")
    func everySectionRefusesUnknownKeys() {
        for (section, keys) in SettingKey.sections {
            #expect(!keys.isEmpty)
            let names = keys.map(\.name)
            #expect(Set(names).count == names.count, "[\(section)] lists a key twice")
            #expect {
                try parse("[\(section)]\nno_such_key = 1\n")
            } throws: { error in
                let message = "\(error)"
                return message.contains("[\(section)]") && message.contains("no_such_key")
                    && names.allSatisfy { message.contains($0) }
            }
        }
    }

}
