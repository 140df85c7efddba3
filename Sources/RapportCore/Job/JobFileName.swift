import Foundation

/// The name of a job's spool file, `<not_before as YYYYMMDDTHHMMSSZ>_<channel>_<job id>.json`,
/// so a plain `ls` lists jobs in send order. Made and read here only: the spool, the engine and
/// `rapportctl` all go through it, so no other shape of name is ever accepted.
public struct JobFileName: Sendable, Equatable, CustomStringConvertible {
    public let notBefore: Date
    public let channel: Channel
    /// A job id: it can never smuggle a path into the spool.
    public let id: JobID

    public init(notBefore: Date, channel: Channel, id: JobID) {
        self.notBefore = notBefore
        self.channel = channel
        self.id = id
    }

    /// Reads `name`; nil unless it is exactly a job file name with a valid time, channel and id.
    public init?(_ name: String) {
        let parts = name.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, let notBefore = Timestamp.parseCompact(String(parts[0])),
            let channel = Channel(rawValue: String(parts[1])), parts[2].hasSuffix(".json")
        else { return nil }
        guard let id = JobID(String(parts[2].dropLast(5))) else { return nil }
        self.init(notBefore: notBefore, channel: channel, id: id)
    }

    public var description: String { "\(Timestamp.compact(notBefore))_\(channel.rawValue)_\(id).json" }
}
