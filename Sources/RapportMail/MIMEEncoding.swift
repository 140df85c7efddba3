import Foundation

/// The MIME encodings e-mail needs, written once: quoted-printable bodies (RFC 2045), RFC 2047
/// encoded-words for non-ASCII headers, header folding at 78 characters (RFC 5322), and their
/// decoding for the replies that come back.
public enum MIMEEncoding {
    /// `text` as quoted-printable lines of at most 76 characters, `\n` between lines.
    public static func quotedPrintable(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            encodeLine(Array(line.utf8))
        }.joined(separator: "\n")
    }

    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var out: [String] = []
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let last = index == bytes.count - 1
            let token: String
            if byte == UInt8(ascii: "=") || byte < 32 && byte != 9 || byte > 126 || (last && (byte == 32 || byte == 9))
            {
                token = String(format: "=%02X", byte)
            } else {
                token = String(UnicodeScalar(byte))
            }
            // 75 leaves room for the soft break's "=".
            if current.count + token.count > 75 {
                out.append(current + "=")
                current = ""
            }
            current += token
        }
        out.append(current)
        return out.joined(separator: "\n")
    }

    /// Decodes a quoted-printable body (soft line breaks joined).
    public static func decodeQuotedPrintable(_ data: Data) -> Data {
        var out = Data()
        let bytes = Array(data)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "=") else {
                out.append(byte)
                index += 1
                continue
            }
            if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
                index += 2
            } else if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"),
                bytes[index + 2] == UInt8(ascii: "\n")
            {
                index += 3
            } else if index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                out.append(value)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    /// A header value safe to write: CR and LF (a header-injection attempt) become spaces, and
    /// non-ASCII text becomes RFC 2047 encoded-words of at most 75 characters each.
    public static func headerText(_ text: String) -> String {
        let flat = String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
        guard !flat.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value != 127 }) else { return flat }
        var words: [String] = []
        var chunk = ""
        for character in flat {
            // "=?UTF-8?B?" + "?=" is 12; 45 bytes of UTF-8 become 60 of base64: 72 in all.
            if (chunk + String(character)).utf8.count > 45 {
                words.append(encodedWord(chunk))
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(encodedWord(chunk)) }
        return words.joined(separator: " ")
    }

    private static func encodedWord(_ text: String) -> String {
        "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    /// `name: value` folded at spaces so no line passes 78 characters, continuation lines
    /// indented by a space.
    public static func header(_ name: String, _ value: String) -> String {
        var lines: [String] = []
        var line = "\(name):"
        for word in value.split(separator: " ", omittingEmptySubsequences: true) {
            if line.count + 1 + word.count > 78, !line.isEmpty {
                lines.append(line)
                line = ""
            }
            line += " " + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// A header value with its encoded-words decoded (`=?UTF-8?B?...?=`, `=?ISO-8859-1?Q?...?=`).
    public static func decodeHeader(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        let pattern = #"=\?([^?]+)\?([BbQq])\?([^?]*)\?="#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return value }
        var result = ""
        var cursor = value.startIndex
        var previousWasWord = false
        for match in regex.matches(in: value, range: NSRange(value.startIndex..., in: value)) {
            guard let range = Range(match.range, in: value), let charset = Range(match.range(at: 1), in: value),
                let kind = Range(match.range(at: 2), in: value), let text = Range(match.range(at: 3), in: value)
            else { continue }
            let between = String(value[cursor..<range.lowerBound])
            // Whitespace between two encoded-words is not part of the text (RFC 2047 §6.2).
            if !(previousWasWord && between.allSatisfy(\.isWhitespace)) { result += between }
            var bytes: Data
            if value[kind].uppercased() == "B" {
                bytes = Data(base64Encoded: String(value[text])) ?? Data()
            } else {
                bytes = decodeQuotedPrintable(Data(value[text].replacingOccurrences(of: "_", with: " ").utf8))
            }
            result += decode(bytes, charset: String(value[charset]))
            cursor = range.upperBound
            previousWasWord = true
        }
        return result + value[cursor...]
    }

    /// Bytes in a MIME charset as text (UTF-8 and Latin-1 and their aliases; UTF-8 otherwise).
    public static func decode(_ bytes: Data, charset: String?) -> String {
        switch charset?.lowercased() {
        case "iso-8859-1", "latin1", "windows-1252", "us-ascii", "ascii":
            return String(data: bytes, encoding: .isoLatin1) ?? String(decoding: bytes, as: UTF8.self)
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
