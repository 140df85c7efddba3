import Foundation
import Logging

/// Log lines on standard error that journald files at the right level: under systemd
/// (`$JOURNAL_STREAM` set) each line starts with the `<N>` syslog priority and carries no
/// timestamp (journald adds its own); elsewhere plain readable lines with a timestamp.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let journal: Bool

    public init(label: String, level: Logger.Level, journal: Bool) {
        self.label = label
        self.logLevel = level
        self.journal = journal
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let context =
            merged.isEmpty
            ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = "\(event.message)\(context)".replacingOccurrences(of: "\n", with: " ")
        let line =
            journal
            ? "<\(Self.priority(event.level))>\(label): \(text)\n"
            : "\(Self.timestamp()) \(event.level) \(label): \(text)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The syslog priority of a swift-log level.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}
