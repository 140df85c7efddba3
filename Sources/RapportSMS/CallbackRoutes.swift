import Foundation
import RapportCore

/// One HTTP request to the callback listener, as read off the wire.
public struct CallbackRequest: Sendable, Equatable {
    public var method: String
    public var path: String
    /// The raw query, without the `?`, still percent-encoded (Twilio signs it as sent).
    public var query: String
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data

    public init(method: String, target: String, headers: [String: String] = [:], body: Data = Data()) {
        self.method = method
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = parts.first.map(String.init) ?? "/"
        self.query = parts.count > 1 ? String(parts[1]) : ""
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }) { $1 }
        self.body = body
    }

    /// The query's and a form body's fields together (the body wins): Kannel's `get-url` puts
    /// them in the query, its `post-url` and Twilio in an urlencoded body.
    var fields: [String: String] {
        FormEncoding.decode(Substring(query)).merging(formFields) { $1 }
    }

    var formFields: [String: String] {
        let type = headers["content-type"] ?? ""
        guard method == "POST", type.isEmpty || type.hasPrefix("application/x-www-form-urlencoded") else { return [:] }
        return FormEncoding.decode(Substring(decoding: body, as: UTF8.self))
    }
}

/// What a callback comes to.
public enum CallbackResult: Sendable, Equatable {
    /// An inbound message to write durably into `in/` before answering 200.
    case record(InboundMessage, CallbackCount)
    /// Counted and answered 200; nothing for the records (a report of success, a step between).
    case counted(CallbackCount)
    /// Refused with `status`, nothing recorded.
    case refused(status: Int, why: String)
}

/// What the metrics count of a callback.
public enum CallbackCount: String, Sendable, CaseIterable {
    case delivered, failed, progress, reply
}

/// The listener's routes (contract, "SMS delivery"), pure: a request and the secrets in, what
/// to record and answer out, so each rule — a missing secret refused, a final failure a
/// bounce, a text a message with the provider's id — is a unit test.
///
/// - `GET|POST /kannel/dlr`: Kannel's `dlr-url` as `KannelProvider` wrote it (`job`, `to`,
///   `type` = `%d`, `reply` = `%A`). Types 2 (not delivered to the phone) and 16 (refused by
///   the carrier) are final failures: a temporary-class bounce (4.0.0) for the job, which
///   R35 counts as a failed delivery against the address (`failures_before_unusable`).
/// - `GET|POST /kannel/mo`: an `sms-service`'s `get-url`/`post-url` with `from` (%p), `to`
///   (%P), `text` (%a), `id` (%I) and `time` (%t, Kannel's UTC `YYYY-MM-DD HH:MM:SS`).
/// - `POST /twilio/status` and `/twilio/inbound`: validated by `X-Twilio-Signature` over the
///   public URL; `undelivered` and `failed` are final failures, an inbound text a message.
public struct CallbackRoutes: Sendable {
    /// The shared secret Kannel's callbacks carry; nil refuses every Kannel callback.
    public var secret: String?
    /// Twilio's auth token; nil refuses every Twilio callback.
    public var twilioToken: String?
    /// The URL Twilio calls the listener by (it signs that URL), without a trailing slash.
    public var publicBase: String

    public init(secret: String?, twilioToken: String?, publicBase: String) {
        self.secret = secret
        self.twilioToken = twilioToken
        self.publicBase = publicBase.hasSuffix("/") ? String(publicBase.dropLast()) : publicBase
    }

    public func handle(_ request: CallbackRequest, at now: Date) -> CallbackResult {
        guard request.method == "GET" || request.method == "POST" else {
            return .refused(status: 405, why: "only GET and POST")
        }
        switch request.path {
        case "/kannel/dlr", "/kannel/mo":
            let fields = request.fields
            guard let secret, let given = fields["secret"], ConstantTime.equal(given, secret) else {
                return .refused(status: 403, why: "no valid secret")
            }
            return request.path == "/kannel/dlr" ? kannelReport(fields, at: now) : kannelText(fields, at: now)
        case "/twilio/status", "/twilio/inbound":
            guard request.method == "POST", let twilioToken, let signature = request.headers["x-twilio-signature"],
                TwilioSignature.isValid(
                    signature, token: twilioToken,
                    url: publicBase + request.path + (request.query.isEmpty ? "" : "?" + request.query),
                    parameters: request.formFields)
            else { return .refused(status: 403, why: "no valid X-Twilio-Signature") }
            let fields = request.fields
            return request.path == "/twilio/status" ? twilioReport(fields, at: now) : twilioText(fields, at: now)
        default:
            return .refused(status: 404, why: "no such callback")
        }
    }

    private func kannelReport(_ fields: [String: String], at now: Date) -> CallbackResult {
        guard let job = fields["job"], let type = fields["type"].flatMap(Int.init) else {
            return .refused(status: 400, why: "a report needs job and type")
        }
        switch type {
        case 1: return .counted(.delivered)
        case 2, 16:
            let words = fields["reply"].map { $0.isEmpty ? "" : ": \($0)" } ?? ""
            let meaning = type == 2 ? "not delivered to the phone" : "refused by the carrier"
            return failure(
                job: job, to: fields["to"], id: "kannel-dlr:\(job):\(type)", at: now,
                detail: "Kannel delivery report \(type) (\(meaning))\(words)")
        default: return .counted(.progress)
        }
    }

    private func kannelText(_ fields: [String: String], at now: Date) -> CallbackResult {
        guard let from = fields["from"], !from.isEmpty else { return .refused(status: 400, why: "a text needs from") }
        let message = InboundMessage(
            channel: .sms, from: from, to: fields["to"], receivedAt: fields["time"].flatMap(Self.kannelTime) ?? now,
            text: fields["text"] ?? "", providerID: fields["id"].flatMap { $0.isEmpty ? nil : "kannel:\($0)" })
        return .record(message, .reply)
    }

    private func twilioReport(_ fields: [String: String], at now: Date) -> CallbackResult {
        guard let job = fields["job"], let status = fields["MessageStatus"] else {
            return .refused(status: 400, why: "a status callback needs job and MessageStatus")
        }
        switch status {
        case "delivered": return .counted(.delivered)
        case "undelivered", "failed":
            let code = fields["ErrorCode"].map { ", error \($0)" } ?? ""
            return failure(
                job: job, to: fields["To"], id: "twilio-status:\(fields["MessageSid"] ?? job):\(status)",
                at: now, detail: "Twilio status \(status)\(code)")
        default: return .counted(.progress)
        }
    }

    private func twilioText(_ fields: [String: String], at now: Date) -> CallbackResult {
        guard let from = fields["From"], !from.isEmpty else { return .refused(status: 400, why: "a text needs From") }
        let message = InboundMessage(
            channel: .sms, from: from, to: fields["To"], receivedAt: now, text: fields["Body"] ?? "",
            providerID: fields["MessageSid"].map { "twilio:\($0)" })
        return .record(message, .reply)
    }

    /// A final failure report: R35's temporary-class bounce for the job it names.
    private func failure(job: String, to: String?, id: String, at now: Date, detail: String) -> CallbackResult {
        guard let to, !to.isEmpty else { return .refused(status: 400, why: "a failure report needs to") }
        let bounce = InboundMessage(
            channel: .sms, kind: .bounce, from: nil, receivedAt: now, inReplyTo: job, providerID: id, recipient: to,
            status: "4.0.0", detail: detail)
        return .record(bounce, .failed)
    }

    /// Kannel's `%t`: `2026-12-07 17:14:55`, in UTC.
    static func kannelTime(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.date(from: text)
    }
}
