import Foundation
import Testing

@testable import RapportConfig

/// `[sms]` (issue 27): the contract's keys and defaults, every bad value one line naming the key.
@Suite("Config: [sms]")
struct SMSConfigTests {
    func parse(_ text: String) throws(ConfigError) -> Settings {
        try ConfigLoader.parse(text, file: "test.toml", baseDirectory: "/etc/rapport")
    }

    func message(_ text: String) -> String? {
        do { _ = try parse(text); return nil } catch { return error.message }
    }

    @Test("Without [sms] the contract's defaults: Kannel on loopback, listening on 127.0.0.1:13080")
    func defaults() throws {
        let sms = try parse("").sms
        #expect(sms.provider == .kannel)
        #expect(sms.url == "http://127.0.0.1:13013/cgi-bin/sendsms")
        #expect(sms.listen == "127.0.0.1:13080")
        #expect(sms.listenAddress?.host == "127.0.0.1" && sms.listenAddress?.port == 13080)
        #expect(sms.passwordFile == nil && sms.secretFile == nil)
    }

    @Test("Every key is read; secret files are relative to the config's folder")
    func values() throws {
        let sms = try parse(
            """
            [sms]
            provider = "twilio"
            url = "https://api.twilio.com"
            username = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
            password_file = "sms-token"
            from = "+15017122661"
            listen = "0.0.0.0:8443"
            secret_file = "/etc/rapport/sms-secret"
            dlr_mask = 3
            rate_per_second = 2.5
            public_url = "https://sms.acme.example"
            """
        ).sms
        #expect(sms.provider == .twilio)
        #expect(sms.url == "https://api.twilio.com")
        #expect(sms.username == "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX")
        #expect(sms.passwordFile == "/etc/rapport/sms-token")
        #expect(sms.from == "+15017122661")
        #expect(sms.listenAddress?.host == "0.0.0.0" && sms.listenAddress?.port == 8443)
        #expect(sms.secretFile == "/etc/rapport/sms-secret")
        #expect(sms.dlrMask == 3)
        #expect(sms.ratePerSecond == 2.5)
        #expect(sms.publicURL == "https://sms.acme.example")
    }

    @Test("Unknown keys, wrong types and bad values name the file, the section and the key")
    func refusals() {
        #expect(message("[sms]\npassword = \"x\"")?.hasPrefix("test.toml: [sms] password is not a known key") == true)
        #expect(message("[sms]\nprovider = \"nexmo\"")?.contains("[sms] provider") == true)
        #expect(message("[sms]\nprovider = \"nexmo\"")?.contains("must be kannel or twilio") == true)
        #expect(message("[sms]\nlisten = \"13080\"")?.contains("[sms] listen") == true)
        #expect(message("[sms]\nlisten = \"127.0.0.1:99999\"")?.contains("host:port") == true)
        #expect(message("[sms]\nurl = \"smsbox:13013\"")?.contains("[sms] url") == true)
        #expect(message("[sms]\ndlr_mask = 32")?.contains("[sms] dlr_mask") == true)
        #expect(message("[sms]\nrate_per_second = \"fast\"")?.contains("[sms] rate_per_second") == true)
        #expect(message("[sms]\nrate_per_second = 0")?.contains("[sms] rate_per_second") == true)
    }
}
