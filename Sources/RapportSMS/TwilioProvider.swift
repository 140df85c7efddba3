import Foundation

/// Twilio's Messages API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, a form
/// with `To`, `From`, `Body` and `StatusCallback`, HTTP basic auth of the account SID and auth
/// token). Twilio answers 201 with the message's `sid`; 429 and 5xx mean later; any other 4xx
/// carries its reason in `message`. Tested against its documentation's fixtures: there is no
/// network here.
public struct TwilioProvider: SMSProvider {
    public var apiBase: String
    public var accountSID: String
    public var authToken: String
    public var from: String
    /// The listener's public address, which Twilio calls with status reports.
    public var callbackBase: String

    public init(apiBase: String, accountSID: String, authToken: String, from: String, callbackBase: String) {
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.accountSID = accountSID
        self.authToken = authToken
        self.from = from
        self.callbackBase = callbackBase
    }

    public func request(for text: OutgoingText) -> ProviderRequest {
        let form = FormEncoding.encode([
            ("To", text.to), ("From", from), ("Body", text.body),
            ("StatusCallback", "\(callbackBase)/twilio/status?job=\(FormEncoding.escape(text.job))"),
        ])
        let credentials = Data("\(accountSID):\(authToken)".utf8).base64EncodedString()
        return ProviderRequest(
            method: "POST", url: "\(apiBase)/2010-04-01/Accounts/\(FormEncoding.escape(accountSID))/Messages.json",
            headers: [
                "Authorization": "Basic \(credentials)", "Content-Type": "application/x-www-form-urlencoded",
            ],
            body: Data(form.utf8))
    }

    public func answer(status: Int, body: String) -> ProviderAnswer {
        let fields = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        let message = fields["message"] as? String ?? body.trimmingCharacters(in: .whitespacesAndNewlines)
        switch status {
        case 200..<300:
            let sid = fields["sid"] as? String
            return .accepted(providerID: sid, words: "Twilio: \(fields["status"] as? String ?? "accepted")")
        case 429, 500...: return .temporary("Twilio answered \(status): \(message)")
        default:
            let code = (fields["code"] as? Int).map { " (error \($0))" } ?? ""
            return .refused("Twilio refused it (\(status))\(code): \(message)")
        }
    }
}
