import RapportCore
import RapportStorage

/// How an agreement's addresses are kept on PostgreSQL: in its row's `addresses` array, one
/// `channel:address` element per contact, so a reply's lookup is one containment test on the
/// GIN index (`addresses @> ARRAY[key]`). A channel's name has no colon, so the first one
/// separates the two parts whatever the address holds.
enum AddressKey {
    static func key(_ address: String, on channel: RapportCore.Channel) -> String { "\(channel.rawValue):\(address)" }

    /// `keys` as a PostgreSQL array literal: each element quoted, its quotes and backslashes
    /// escaped, so no address can end an element or the array early.
    static func literal(_ keys: [String]) -> String {
        let elements = keys.map { key in
            "\"" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "{" + elements.joined(separator: ",") + "}"
    }
}

extension ImportedAgreement {
    /// The agreement's `addresses` array, in channel order.
    var addressList: [String] {
        addresses.map { AddressKey.key($0.address, on: $0.channel) }.sorted()
    }
}
