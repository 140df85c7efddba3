import Crypto
import Foundation

/// Twilio's request signature (`X-Twilio-Signature`, Twilio's "Webhooks security"): HMAC-SHA1,
/// keyed with the auth token, over the full URL Twilio called followed by every POST
/// parameter's name and value in name order, base64-encoded.
public enum TwilioSignature {
    public static func compute(token: String, url: String, parameters: [String: String]) -> String {
        let signed = url + parameters.keys.sorted().map { $0 + (parameters[$0] ?? "") }.joined()
        let code = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(signed.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Data(code).base64EncodedString()
    }

    /// Whether `signature` is Twilio's for this request; compared in constant time.
    public static func isValid(_ signature: String, token: String, url: String, parameters: [String: String]) -> Bool {
        ConstantTime.equal(signature, compute(token: token, url: url, parameters: parameters))
    }
}
