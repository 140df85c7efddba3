import Foundation
import RapportCore

/// What a delivery tool reports about a job: the contract's `NAME.result.json`.
public struct Outcome: Sendable, Equatable, Codable {
    /// `delivered` or `failed`.
    public var status: String
    public var at: String
    public var detail: String?
    public var providerID: String?

    public init(delivered: Bool, at: Date, detail: String? = nil, providerID: String? = nil) {
        self.status = delivered ? "delivered" : "failed"
        self.at = Timestamp.rfc3339(at)
        self.detail = detail
        self.providerID = providerID
    }

    /// Whether the message reached the debtor.
    public var delivered: Bool { status == "delivered" }

    /// The tool's words and the provider's id as the records keep them ("mailbox full; provider
    /// id SM123"), nil when the tool gave neither.
    public var words: String? {
        let words = [detail, providerID.map { "provider id \($0)" }].compactMap { $0 }
        return words.isEmpty ? nil : words.joined(separator: "; ")
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    enum CodingKeys: String, CodingKey {
        case status, at, detail
        case providerID = "provider_id"
    }
}
