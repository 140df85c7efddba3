import Foundation
import RapportCore

/// Replies in: the spool's `in/` (contract, "Replies in").
///
/// A delivery tool writes each inbound message as a file into `in/tmp/`, flushes it and renames
/// it into `in/` (as jobs are written), so the daemon never reads half a message. The daemon
/// reads `in/` every tick, records each message's effects, and only then moves the file to
/// `in/done/` — a crash in between reads the file again, and the message's identity makes the
/// second reading change nothing. A file that is not an inbound message goes to `in/bad/` with
/// a `.why` beside it: never dropped.
extension Spool {
    /// The inbound message files waiting in `in/`, oldest first (names start with the time).
    public func inboundFiles() throws(SystemError) -> [String] {
        try list(.inbound)
    }

    /// The bytes of an inbound file (at most 1 MiB).
    public func readInbound(_ name: String) throws(SystemError) -> Data {
        Data(try SystemCalls.readFile(path(.inbound, name)))
    }

    /// Moves an ingested file to `in/done/`, once its effects are recorded.
    public func finishInbound(_ name: String) throws(SystemError) {
        try move(name, from: .inbound, to: .inboundDone)
    }

    /// Moves a file that is not an inbound message to `in/bad/`, with `NAME.why` saying why.
    public func rejectInbound(_ name: String, why: String) throws(SystemError) {
        try SystemCalls.createDurably(
            path(.inboundBad, name + ".why"), Array((why + "\n").utf8), mode: Self.fileMode, group: group,
            exclusive: false)
        try move(name, from: .inbound, to: .inboundBad)
    }

    /// Hands an inbound message in as a delivery tool does: into `in/tmp/`, flushed, renamed
    /// into `in/`, `in/` flushed. The name is the contract's, unique to the message.
    /// - Returns: the file's name in `in/`.
    @discardableResult
    public func deliverInbound(_ message: InboundMessage, json: Data) throws(SystemError) -> String {
        let name =
            "\(Timestamp.compact(message.receivedAt))_\(message.channel.rawValue)_"
            + "\(StableHash.hex(message.identity).prefix(16)).json"
        let staging = path(.inboundTmp, name)
        try SystemCalls.createDurably(staging, Array(json), mode: Self.fileMode, group: group, exclusive: false)
        do {
            try SystemCalls.rename(staging, path(.inbound, name))
        } catch {
            try? SystemCalls.unlink(staging)
            throw error
        }
        try SystemCalls.fsyncDirectory(path(.inbound))
        return name
    }
}
