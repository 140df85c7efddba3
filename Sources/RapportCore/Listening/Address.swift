import Foundation

/// Addresses compared the way people write them (R34): a reply from "+1 (214) 555-0100" is from
/// the agreement whose number is "+12145550100", and "Sam@Example.org" is "sam@example.org".
public enum Address {
    /// `text` as the canonical form for `channel`: E.164 for phone numbers (a 10-digit North
    /// American number gains its +1), lower case for e-mail; nil when it cannot be an address.
    public static func normalised(_ text: String, channel: Channel) -> String? {
        switch channel {
        case .sms, .voice:
            // Every import normalises each number: read digits off the bytes, no Foundation.
            let trimmed = trimmed(text)
            let digits = String(
                decoding: trimmed.utf8.filter { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }, as: UTF8.self)
            guard (7...15).contains(digits.count) else { return nil }
            if trimmed.hasPrefix("+") { return "+" + digits }
            if digits.hasPrefix("00") { return "+" + digits.dropFirst(2) }
            if digits.count == 10 { return "+1" + digits }
            if digits.count == 11, digits.hasPrefix("1") { return "+" + digits }
            return "+" + digits
        case .email:
            var address = trimmed(text)
            // "Sam Rivera <sam@example.org>" → the part in angle brackets.
            if let open = address.lastIndex(of: "<"), let close = address.lastIndex(of: ">"), open < close {
                address = String(address[address.index(after: open)..<close])
            }
            let lowered = address.lowercased()
            guard lowered.utf8.contains(UInt8(ascii: "@")), !lowered.utf8.contains(UInt8(ascii: " ")) else {
                return nil
            }
            return lowered
        case .letter:
            return nil
        }
    }

    /// `text` without white space at either end. Most addresses have none, and looking at the
    /// two end bytes is far cheaper than Foundation's trimming.
    private static func trimmed(_ text: String) -> String {
        func plain(_ byte: UInt8?) -> Bool { byte.map { $0 > 0x20 && $0 < 0x80 } ?? true }
        return plain(text.utf8.first) && plain(text.utf8.last) ? text : text.trimmingCharacters(in: .whitespaces)
    }
}
