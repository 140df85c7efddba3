import Foundation

/// A mail as the transport delivered it to a Maildir: its headers (unfolded) and its body,
/// with the MIME structure read as far as a reply or a bounce needs.
struct ReceivedMail {
    var headers: [(name: String, value: String)]
    var body: Data

    /// Parses raw message bytes (CRLF or LF line ends).
    init(_ raw: Data) {
        var bytes = Array(raw)
        if bytes.contains(UInt8(ascii: "\r")) { bytes = Self.withoutCR(bytes) }
        var split = bytes.count
        for index in bytes.indices.dropLast()
        where bytes[index] == UInt8(ascii: "\n") && bytes[index + 1] == UInt8(ascii: "\n") {
            split = index
            break
        }
        if bytes.first == UInt8(ascii: "\n") { split = 0 }
        var headers: [(String, String)] = []
        for line in String(decoding: bytes[..<split], as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: true)
        {
            if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
                let earlier = headers[headers.count - 1].1
                headers[headers.count - 1].1 =
                    (earlier.isEmpty ? "" : earlier + " ") + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append(
                    (
                        line[..<colon].lowercased(),
                        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    ))
            }
        }
        self.headers = headers
        body = Data(bytes[min(bytes.count, split + 2)...])
    }

    private static func withoutCR(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated()
        where !(byte == UInt8(ascii: "\r") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n")) {
            out.append(byte)
        }
        return out
    }

    /// The first header called `name` (lower case), encoded-words decoded.
    func header(_ name: String) -> String? {
        headers.first { $0.name == name }.map { MIMEEncoding.decodeHeader($0.value) }
    }

    /// Every header called `name`.
    func all(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }

    /// The media type, lower case, and its parameters.
    var contentType: (type: String, parameters: [String: String]) {
        let value = header("content-type") ?? "text/plain"
        var parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let type = parts.isEmpty ? "text/plain" : parts.removeFirst().lowercased()
        var parameters: [String: String] = [:]
        for part in parts {
            guard let equals = part.firstIndex(of: "=") else { continue }
            parameters[part[..<equals].lowercased()] = part[part.index(after: equals)...].trimmingCharacters(
                in: CharacterSet(charactersIn: "\" "))
        }
        return (type, parameters)
    }

    /// The body with its transfer encoding undone.
    var decodedBody: Data {
        switch header("content-transfer-encoding")?.lowercased() {
        case "quoted-printable": MIMEEncoding.decodeQuotedPrintable(body)
        case "base64":
            Data(base64Encoded: String(decoding: body, as: UTF8.self), options: .ignoreUnknownCharacters) ?? Data()
        default: body
        }
    }

    /// The body as text, in its charset.
    var text: String { MIMEEncoding.decode(decodedBody, charset: contentType.parameters["charset"]) }

    /// The parts of a multipart body (empty for a single part).
    var parts: [ReceivedMail] {
        guard contentType.type.hasPrefix("multipart/"), let boundary = contentType.parameters["boundary"] else {
            return []
        }
        let text = String(decoding: body, as: UTF8.self)
        let pieces = text.components(separatedBy: "--" + boundary)
        return pieces.dropFirst().compactMap { piece in
            guard !piece.hasPrefix("--") else { return nil }
            return ReceivedMail(Data(piece.drop { $0 == "\n" }.utf8))
        }
    }

    /// Every leaf part, depth first (the mail itself when it has no parts).
    var leaves: [ReceivedMail] {
        let parts = self.parts
        return parts.isEmpty ? [self] : parts.flatMap(\.leaves)
    }

    /// What the sender wrote: the plain-text part (an HTML-only mail turned into text), with
    /// quoted history and the signature cut off.
    var writtenText: String {
        let leaves = self.leaves
        let plain =
            leaves.first { $0.contentType.type == "text/plain" }?.text
            ?? leaves.first { $0.contentType.type == "text/html" }.map { Self.textOfHTML($0.text) } ?? ""
        return Self.withoutHistory(plain)
    }

    /// The reply above the quoted history: cut at "On … wrote:", "-----Original Message-----",
    /// a forwarded header block or the "-- " signature line; quoted (">") lines dropped.
    static func withoutHistory(_ text: String) -> String {
        var kept: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "--" && line.hasPrefix("-- ") || line == "--" { break }
            if trimmed.hasPrefix("-----Original Message") || trimmed.hasPrefix("________________") { break }
            if trimmed.hasPrefix("On "), trimmed.hasSuffix("wrote:") { break }
            if trimmed.hasPrefix("El "), trimmed.hasSuffix("escribió:") { break }
            if trimmed.hasPrefix("From:"), kept.contains(where: { $0.isEmpty }) { break }
            if trimmed.hasPrefix(">") { continue }
            kept.append(line)
        }
        return kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// HTML as plain text: tags dropped, breaks and paragraphs as new lines, entities decoded.
    static func textOfHTML(_ html: String) -> String {
        var text = html.replacingOccurrences(
            of: #"(?is)<(script|style)[^>]*>.*?</\1>"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(
            of: #"(?i)<br\s*/?>|</p>|</div>|</li>"#, with: "\n", options: .regularExpression)
        text = text.replacingOccurrences(of: #"(?i)<blockquote.*"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        for (entity, character) in [
            ("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&"),
        ] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
    }

    /// The plain address of a header such as `From: "Sam" <sam@example.org>`.
    func address(_ name: String) -> String? {
        guard let value = header(name) else { return nil }
        if let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
            return String(value[value.index(after: open)..<close])
        }
        return value.split(separator: " ").first { $0.contains("@") }.map(String.init)
    }
}
