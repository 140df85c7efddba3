import Foundation

/// One HTTP request to a provider, built without I/O from a job and the settings: what a unit
/// test compares against a provider's documentation, and what `SMSSender` hands to the client.
public struct ProviderRequest: Sendable, Equatable {
    public var method: String
    /// The URL, credentials included where the provider takes them in the query (Kannel):
    /// never logged.
    public var url: String
    public var headers: [String: String]
    public var body: Data?

    public init(method: String, url: String, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What a provider's answer to one text means for the job.
public enum ProviderAnswer: Sendable, Equatable {
    /// The provider took the text: the job is delivered (to the gateway), with its id there.
    case accepted(providerID: String?, words: String)
    /// The provider refused it for good: the job failed, with the provider's words.
    case refused(String)
    /// Not taken, try later (unreachable, busy, 503): the job goes back to be claimed again.
    case temporary(String)
}

/// A way to hand texts to a carrier: Kannel's smsbox or Twilio's API.
public protocol SMSProvider: Sendable {
    /// The request that submits `text` of `job` to the provider.
    func request(for text: OutgoingText) -> ProviderRequest
    /// What the provider's answer (`status`, `body`) means.
    func answer(status: Int, body: String) -> ProviderAnswer
}

/// The parts of an SMS job a provider needs, read from the job file.
public struct OutgoingText: Sendable, Equatable {
    public var job: String
    public var to: String
    public var body: String
    /// `gsm7` or `ucs2` (rulebook R36): the coding the provider is asked for.
    public var unicode: Bool

    public init(job: String, to: String, body: String, unicode: Bool) {
        self.job = job
        self.to = to
        self.body = body
        self.unicode = unicode
    }
}

/// Form and query encoding, the way HTML forms and Kannel's CGI read them: everything but
/// unreserved characters percent-encoded, so `+`, `&` and `=` in a text survive.
enum FormEncoding {
    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// Parses `a=1&b=x+y` (a query or a form body); `+` is a space. Later duplicates win.
    static func decode(_ text: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func unescape(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            guard let name = parts.first else { continue }
            fields[unescape(name)] = parts.count > 1 ? unescape(parts[1]) : ""
        }
        return fields
    }
}
