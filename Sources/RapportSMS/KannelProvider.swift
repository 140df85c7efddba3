import Foundation

/// Kannel's smsbox `sendsms` interface (Kannel user guide, "Sending SMS"): one GET per text,
/// the text in UTF-8 with the coding asked for (0 for GSM-7, 2 for UCS-2), and a `dlr-url`
/// naming the job so the delivery report finds it. smsbox answers 202 when it took the text
/// (`0: Accepted for delivery`, `3: Queued for later delivery`), 503 when it cannot now, and
/// 4xx with its reason when it never will.
public struct KannelProvider: SMSProvider {
    public var sendsmsURL: String
    public var username: String
    public var password: String
    public var from: String
    public var dlrMask: Int
    /// Where smsbox calls back (`http://127.0.0.1:13080`), and the secret it must carry.
    public var callbackBase: String
    public var secret: String

    public init(
        sendsmsURL: String, username: String, password: String, from: String, dlrMask: Int, callbackBase: String,
        secret: String
    ) {
        self.sendsmsURL = sendsmsURL
        self.username = username
        self.password = password
        self.from = from
        self.dlrMask = dlrMask
        self.callbackBase = callbackBase
        self.secret = secret
    }

    public func request(for text: OutgoingText) -> ProviderRequest {
        var query: [(String, String)] = [
            ("username", username), ("password", password), ("from", from), ("to", text.to), ("text", text.body),
            ("charset", "UTF-8"), ("coding", text.unicode ? "2" : "0"),
        ]
        if dlrMask > 0 {
            // Kannel fills %d (the report's type) and %A (the carrier's words) when it calls.
            let report =
                "\(callbackBase)/kannel/dlr?"
                + FormEncoding.encode([("secret", secret), ("job", text.job), ("to", text.to)]) + "&type=%d&reply=%A"
            query += [("dlr-mask", String(dlrMask)), ("dlr-url", report)]
        }
        let separator = sendsmsURL.contains("?") ? "&" : "?"
        return ProviderRequest(method: "GET", url: sendsmsURL + separator + FormEncoding.encode(query))
    }

    public func answer(status: Int, body: String) -> ProviderAnswer {
        let words = body.trimmingCharacters(in: .whitespacesAndNewlines)
        switch status {
        case 200..<300: return .accepted(providerID: nil, words: "Kannel: \(words)")
        case 500...: return .temporary("Kannel answered \(status): \(words)")
        default: return .refused("Kannel refused it (\(status)): \(words)")
        }
    }
}
