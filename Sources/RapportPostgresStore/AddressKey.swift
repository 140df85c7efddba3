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
    ///
    /// Written byte by byte: it runs on the import's one writer for every agreement, where
    /// Foundation's `replacingOccurrences` cost a seventh of a whole import's CPU.
    static func literal(_ keys: [String]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(keys.reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, key) in keys.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            for byte in key.utf8 {
                if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension ImportedAgreement {
    /// The agreement's `addresses` array, in channel order.
    var addressList: [String] {
        addresses.map { AddressKey.key($0.address, on: $0.channel) }.sorted()
    }
}
