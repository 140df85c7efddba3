#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import Foundation

/// Reads JSON Lines a chunk at a time, so an import of millions of lines holds one chunk and
/// one line in memory, never the file.
///
/// A line longer than `maxLineBytes` is not buffered: it is reported by number as too long
/// and skipped to its end, so a hostile 10 MB field costs neither memory nor a crash.
public struct JSONLines: Sequence, IteratorProtocol {
    /// One line: its 1-based number and its text, or why it has none.
    public enum Line: Sendable, Equatable {
        case text(Int, String)
        case notUTF8(Int)
        case tooLong(Int)

        public var number: Int {
            switch self {
            case .text(let number, _), .notUTF8(let number), .tooLong(let number): number
            }
        }

        /// Why the line has no text, as a rejection says it; nil for a line of text.
        public var problem: String? {
            switch self {
            case .text: nil
            case .notUTF8: "not UTF-8 text"
            case .tooLong: "longer than \(JSONLines.maxLineBytes / 1024) KiB; no agreement or event needs that much"
            }
        }
    }

    /// The longest line accepted: no agreement or event needs a megabyte.
    public static let maxLineBytes = 1 << 20

    private let source: Source
    private var buffer: [UInt8] = []
    private var start = 0
    private var number = 0
    private var atEnd = false
    private let maxLineBytes: Int

    private enum Source {
        case descriptor(Int32)
        case bytes
    }

    /// Lines read from an open file descriptor (the caller closes it).
    public init(descriptor: Int32, maxLineBytes: Int = JSONLines.maxLineBytes) {
        source = .descriptor(descriptor)
        self.maxLineBytes = maxLineBytes
    }

    /// Lines of bytes already in memory (tests, `record`).
    public init(data: Data, maxLineBytes: Int = JSONLines.maxLineBytes) {
        source = .bytes
        buffer = Array(data)
        atEnd = true
        self.maxLineBytes = maxLineBytes
    }

    /// The next non-blank line, or nil at the end. A read error ends the lines early; the
    /// file is then reported as unreadable by `readError`.
    public mutating func next() -> Line? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                number += 1
                if line.count > maxLineBytes { return .tooLong(number) }
                if let result = decode(line) { return result }
                continue
            }
            if buffer.count - start > maxLineBytes {
                number += 1
                let tooLong = number
                skipToNextLine()
                return .tooLong(tooLong)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                number += 1
                if let result = decode(line) { return result }
                return nil
            }
            fill()
        }
    }

    /// The errno of a failed read, if one ended the lines early.
    public private(set) var readError: Int32?

    private func decode(_ raw: ArraySlice<UInt8>) -> Line? {
        let line = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
        guard let text = String(validating: line, as: UTF8.self) else { return .notUTF8(number) }
        return .text(number, text)
    }

    private mutating func fill() {
        guard case .descriptor(let fd) = source else {
            atEnd = true
            return
        }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        let chunk = 1 << 16
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + old, chunk) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { readError = errno }
            buffer.removeLast(chunk - Swift.max(count, 0))
            if count <= 0 { atEnd = true }
            return
        }
    }

    /// Drops the rest of an over-long line without keeping it.
    private mutating func skipToNextLine() {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                start = newline + 1
                return
            }
            buffer.removeAll(keepingCapacity: true)
            start = 0
            if atEnd { return }
            fill()
        }
    }
}
