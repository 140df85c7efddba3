import Foundation
import RapportCore
import Testing

@testable import RapportSMS

/// The listener's routes: who may call back, and what each callback becomes.
@Suite("SMS callbacks: secrets, reports and replies")
struct CallbackRoutesTests {
    static let routes = CallbackRoutes(
        secret: "callback-secret", twilioToken: "12345", publicBase: "https://sms.acme.example/")
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    static func handle(_ method: String, _ target: String, headers: [String: String] = [:], body: String = "")
        -> CallbackResult
    {
        routes.handle(CallbackRequest(method: method, target: target, headers: headers, body: Data(body.utf8)), at: now)
    }

    @Test("A Kannel callback without the secret, or with a wrong one, is refused 403")
    func secretRequired() {
        #expect(
            Self.handle("GET", "/kannel/mo?from=%2B12145550100&text=STOP")
                == .refused(
                    status: 403, why: "no valid secret"))
        #expect(
            Self.handle("GET", "/kannel/mo?secret=guess&from=%2B12145550100&text=STOP")
                == .refused(
                    status: 403, why: "no valid secret"))
        #expect(
            Self.handle("GET", "/kannel/dlr?secret=callback-secre&job=j-1&type=16&to=%2B1")
                == .refused(
                    status: 403, why: "no valid secret"))
        let closed = CallbackRoutes(secret: nil, twilioToken: nil, publicBase: "http://x")
        let request = CallbackRequest(method: "GET", target: "/kannel/mo?secret=&from=%2B1&text=hi")
        #expect(closed.handle(request, at: Self.now) == .refused(status: 403, why: "no valid secret"))
    }

    @Test(
        "R31–R34: a text from Kannel's sms-service (get-url or post-url) is a message, Kannel's id its provider_id")
    func kannelText() throws {
        let expected = InboundMessage(
            channel: .sms, from: "+12145550100", to: "12345",
            receivedAt: try #require(CallbackRoutes.kannelTime("2026-12-07 17:14:55")), text: "STOP please",
            providerID: "kannel:3eb5b740")
        let query =
            "secret=callback-secret&from=%2B12145550100&to=12345&text=STOP+please&id=3eb5b740"
            + "&time=2026-12-07+17:14:55"
        #expect(Self.handle("GET", "/kannel/mo?\(query)") == .record(expected, .reply))
        #expect(
            Self.handle(
                "POST", "/kannel/mo", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: query)
                == .record(expected, .reply))
        #expect(
            Timestamp.rfc3339(try #require(CallbackRoutes.kannelTime("2026-12-07 17:14:55"))) == "2026-12-07T17:14:55Z")
        guard case .refused(400, _) = Self.handle("GET", "/kannel/mo?secret=callback-secret&text=hi") else {
            Issue.record("a text without a sender must be refused")
            return
        }
    }

    @Test("R35: Kannel's final failure reports (2, 16) are bounces of the job; 1 is a delivery; 4 and 8 are steps")
    func kannelReports() {
        let failed = Self.handle(
            "GET", "/kannel/dlr?secret=callback-secret&job=j-3f9c&to=%2B12145550100&type=16&reply=NACK%2F0x0000000b")
        let bounce = InboundMessage(
            channel: .sms, kind: .bounce, from: nil, receivedAt: Self.now, inReplyTo: "j-3f9c",
            providerID: "kannel-dlr:j-3f9c:16", recipient: "+12145550100", status: "4.0.0",
            detail: "Kannel delivery report 16 (refused by the carrier): NACK/0x0000000b")
        #expect(failed == .record(bounce, .failed))
        guard
            case .record(let phone, .failed) = Self.handle(
                "GET", "/kannel/dlr?secret=callback-secret&job=j-1&to=%2B12145550100&type=2&reply=")
        else {
            Issue.record("type 2 is a final failure")
            return
        }
        #expect(phone.kind == .bounce && phone.inReplyTo == "j-1" && !phone.isPermanentFailure)
        #expect(Self.handle("GET", "/kannel/dlr?secret=callback-secret&job=j-1&to=%2B1&type=1") == .counted(.delivered))
        #expect(Self.handle("GET", "/kannel/dlr?secret=callback-secret&job=j-1&to=%2B1&type=8") == .counted(.progress))
        #expect(Self.handle("GET", "/kannel/dlr?secret=callback-secret&job=j-1&to=%2B1&type=4") == .counted(.progress))
    }

    static func signed(_ path: String, _ fields: [String: String], token: String = "12345") -> CallbackResult {
        let body = FormEncoding.encode(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let signature = TwilioSignature.compute(
            token: token, url: "https://sms.acme.example" + path, parameters: fields)
        return handle(
            "POST", path,
            headers: ["X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"],
            body: body)
    }

    /// The fields of Twilio's inbound-message and status-callback requests, from its Messaging
    /// webhook documentation.
    @Test("Twilio's callbacks: signed by the auth token over the public URL, else 403; inbound text and status")
    func twilioCallbacks() {
        let inbound = [
            "MessageSid": "SM1234567890abcdef1234567890abcdef", "AccountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "From": "+15558675310", "To": "+15017122661", "Body": "Can I pay Friday?", "NumMedia": "0",
        ]
        #expect(
            Self.signed("/twilio/inbound", inbound)
                == .record(
                    InboundMessage(
                        channel: .sms, from: "+15558675310", to: "+15017122661", receivedAt: Self.now,
                        text: "Can I pay Friday?", providerID: "twilio:SM1234567890abcdef1234567890abcdef"), .reply))
        #expect(
            Self.signed("/twilio/inbound", inbound, token: "forged")
                == .refused(
                    status: 403, why: "no valid X-Twilio-Signature"))
        #expect(
            Self.handle("POST", "/twilio/inbound", body: "From=%2B15558675310&Body=STOP")
                == .refused(
                    status: 403, why: "no valid X-Twilio-Signature"))
        let status = ["MessageSid": "SM1", "MessageStatus": "undelivered", "To": "+15558675310", "ErrorCode": "30003"]
        guard case .record(let bounce, .failed) = Self.signed("/twilio/status?job=j-9", status) else {
            Issue.record("undelivered is a final failure")
            return
        }
        #expect(bounce.inReplyTo == "j-9" && bounce.recipient == "+15558675310" && bounce.kind == .bounce)
        #expect(bounce.detail == "Twilio status undelivered, error 30003")
        var delivered = status
        delivered["MessageStatus"] = "delivered"
        #expect(Self.signed("/twilio/status?job=j-9", delivered) == .counted(.delivered))
    }

    @Test("Unknown paths are 404, other methods 405")
    func unknown() {
        #expect(Self.handle("GET", "/") == .refused(status: 404, why: "no such callback"))
        #expect(
            Self.handle("DELETE", "/kannel/mo?secret=callback-secret")
                == .refused(
                    status: 405, why: "only GET and POST"))
    }
}
