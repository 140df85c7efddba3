import Foundation
import Testing

@testable import RapportSMS

/// What `rapport-sms` asks of each provider, and what their answers mean for the job.
@Suite("SMS providers: the requests and the answers")
struct ProviderTests {
    static let kannel = KannelProvider(
        sendsmsURL: "http://127.0.0.1:13013/cgi-bin/sendsms", username: "rapport", password: "s3cret&=", from: "Acme",
        dlrMask: 19, callbackBase: "http://127.0.0.1:13080", secret: "callback-secret")

    static func query(_ url: String) -> [String: String] {
        FormEncoding.decode(url.split(separator: "?", maxSplits: 1).last ?? "")
    }

    @Test(
        "R36: Kannel gets GSM-7 as coding 0, UCS-2 as coding 2, in UTF-8, with the sender, credentials and text intact")
    func kannelCoding() throws {
        let english = Self.kannel.request(
            for: OutgoingText(job: "j-1", to: "+12145550100", body: "Hi Sam & co: 50% = $5+", unicode: false))
        let fields = Self.query(english.url)
        #expect(english.method == "GET")
        #expect(english.url.hasPrefix("http://127.0.0.1:13013/cgi-bin/sendsms?"))
        #expect(fields["coding"] == "0")
        #expect(fields["charset"] == "UTF-8")
        #expect(fields["text"] == "Hi Sam & co: 50% = $5+")
        #expect(fields["to"] == "+12145550100")
        #expect(fields["from"] == "Acme")
        #expect(fields["username"] == "rapport")
        #expect(fields["password"] == "s3cret&=")
        let spanish = Self.kannel.request(
            for: OutgoingText(job: "j-2", to: "+12145550100", body: "Hola, ¿cómo está? Señor", unicode: true))
        #expect(Self.query(spanish.url)["coding"] == "2")
        #expect(Self.query(spanish.url)["text"] == "Hola, ¿cómo está? Señor")
    }

    @Test("Kannel: the dlr-url names the job, carries the secret, and leaves %d and %A for Kannel to fill")
    func kannelReportURL() throws {
        let request = Self.kannel.request(
            for: OutgoingText(job: "j-3f9c", to: "+12145550100", body: "Hi", unicode: false))
        let fields = Self.query(request.url)
        #expect(fields["dlr-mask"] == "19")
        let report = try #require(fields["dlr-url"])
        #expect(report.hasPrefix("http://127.0.0.1:13080/kannel/dlr?"))
        let reportFields = Self.query(report)
        #expect(reportFields["job"] == "j-3f9c")
        #expect(reportFields["secret"] == "callback-secret")
        #expect(reportFields["to"] == "+12145550100")
        #expect(report.hasSuffix("&type=%d&reply=%A"))
        var silent = Self.kannel
        silent.dlrMask = 0
        let none = Self.query(silent.request(for: OutgoingText(job: "j", to: "+1", body: "x", unicode: false)).url)
        #expect(none["dlr-url"] == nil && none["dlr-mask"] == nil)
    }

    @Test("Kannel's answers: 202 accepted, 503 and 5xx temporary, 4xx refused with Kannel's words")
    func kannelAnswers() {
        #expect(
            Self.kannel.answer(status: 202, body: "0: Accepted for delivery\n")
                == .accepted(providerID: nil, words: "Kannel: 0: Accepted for delivery"))
        #expect(
            Self.kannel.answer(status: 503, body: "Temporal failure, try again later.")
                == .temporary(
                    "Kannel answered 503: Temporal failure, try again later."))
        #expect(
            Self.kannel.answer(status: 403, body: "Authorization failed for sendsms")
                == .refused(
                    "Kannel refused it (403): Authorization failed for sendsms"))
        guard case .refused = Self.kannel.answer(status: 400, body: "Number(s) blocked") else {
            Issue.record("a 400 must be refused")
            return
        }
    }

    static let twilio = TwilioProvider(
        apiBase: "https://api.twilio.com/", accountSID: "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", authToken: "12345",
        from: "+15017122661", callbackBase: "https://sms.acme.example")

    @Test("Twilio: a form POST to Messages.json with basic auth, To, From, Body and a StatusCallback naming the job")
    func twilioRequest() throws {
        let request = Self.twilio.request(
            for: OutgoingText(job: "j-7", to: "+15558675310", body: "Hi Sam, 50% & more", unicode: false))
        #expect(request.method == "POST")
        #expect(
            request.url == "https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages.json"
        )
        let credentials = Data("ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:12345".utf8).base64EncodedString()
        #expect(request.headers["Authorization"] == "Basic \(credentials)")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        let form = FormEncoding.decode(Substring(decoding: try #require(request.body), as: UTF8.self))
        #expect(form["To"] == "+15558675310")
        #expect(form["From"] == "+15017122661")
        #expect(form["Body"] == "Hi Sam, 50% & more")
        #expect(form["StatusCallback"] == "https://sms.acme.example/twilio/status?job=j-7")
    }

    /// Twilio's answers, from its Messages API documentation: a created message, an error.
    @Test("Twilio's answers: 201 accepted with the message sid, 400 refused with its code, 429 and 5xx temporary")
    func twilioAnswers() {
        let created = #"{"sid": "SM1f0e8ae6ade43cb3c0ce4525424e404f", "status": "queued", "to": "+15558675310"}"#
        #expect(
            Self.twilio.answer(status: 201, body: created)
                == .accepted(providerID: "SM1f0e8ae6ade43cb3c0ce4525424e404f", words: "Twilio: queued"))
        let invalid =
            #"{"code": 21211, "message": "The 'To' number +1555 is not a valid phone number.", "status": 400}"#
        #expect(
            Self.twilio.answer(status: 400, body: invalid)
                == .refused("Twilio refused it (400) (error 21211): The 'To' number +1555 is not a valid phone number.")
        )
        guard case .temporary = Self.twilio.answer(status: 429, body: "{}"),
            case .temporary = Self.twilio.answer(status: 503, body: "")
        else {
            Issue.record("429 and 503 must be temporary")
            return
        }
    }

    /// The worked example of Twilio's "Webhooks security" page: auth token 12345, this URL and
    /// these parameters sign to this value.
    @Test("Twilio's signature: the documentation's example gives its signature; any change breaks it")
    func twilioSignatureVector() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        let parameters = [
            "CallSid": "CA1234567890ABCDE", "Caller": "+14158675310", "Digits": "1234", "From": "+14158675310",
            "To": "+18005551212",
        ]
        #expect(
            TwilioSignature.compute(token: "12345", url: url, parameters: parameters) == "GvWf1cFY/Q7PnoempGyD5oXAezc=")
        #expect(
            TwilioSignature.isValid("GvWf1cFY/Q7PnoempGyD5oXAezc=", token: "12345", url: url, parameters: parameters))
        var changed = parameters
        changed["Digits"] = "9999"
        #expect(!TwilioSignature.isValid("GvWf1cFY/Q7PnoempGyD5oXAezc=", token: "12345", url: url, parameters: changed))
        #expect(
            !TwilioSignature.isValid("GvWf1cFY/Q7PnoempGyD5oXAezc=", token: "54321", url: url, parameters: parameters))
    }
}
