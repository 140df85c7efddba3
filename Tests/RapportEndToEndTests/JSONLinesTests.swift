import Foundation
import RapportEngine
import Testing

/// The streaming line reader every import goes through.
@Suite("JSON Lines")
struct JSONLinesTests {
    @Test("Lines keep their numbers across blank lines, CRLF, a missing final newline and bad UTF-8")
    func numbering() {
        var data = Data("{\"a\":1}\r\n\n  \n{\"b\":2}\n".utf8)
        data.append(contentsOf: [0xFF, 0xFE, 0x0A])
        data.append(contentsOf: Array("{\"c\":3}".utf8))
        let lines = Array(JSONLines(data: data))
        #expect(lines == [.text(1, "{\"a\":1}"), .text(4, "{\"b\":2}"), .notUTF8(5), .text(6, "{\"c\":3}")])
    }

    @Test("A line over the limit is reported by number and skipped without being kept, from a file read in chunks")
    func overlong() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString).jsonl")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let huge = "{\"id\":\"" + String(repeating: "x", count: 300_000) + "\"}"
        try Data(("{\"first\":1}\n" + huge + "\n{\"after\":2}\n").utf8).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let lines = Array(JSONLines(descriptor: fd, maxLineBytes: 100_000))
        #expect(lines == [.text(1, "{\"first\":1}"), .tooLong(2), .text(3, "{\"after\":2}")])
    }
}
