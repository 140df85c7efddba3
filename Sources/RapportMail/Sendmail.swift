import Foundation

/// The host's mail transport through the `sendmail` interface every MTA provides (Postfix,
/// Exim, OpenSMTPD, msmtp): `sendmail -i -f <envelope> -- <recipient>`, the message on
/// standard input.
public struct Sendmail: Sendable {
    /// What the transport said.
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        /// Accepted for delivery (exit 0).
        public var accepted: Bool { status == 0 }
        /// EX_TEMPFAIL: the transport could not take it now; the daemon plans a retry.
        public var temporary: Bool { status == 75 }
    }

    public let path: String

    public init(path: String) { self.path = path }

    /// Hands `mail` to the transport and waits for its answer.
    public func send(_ mail: OutgoingMail) throws(MailError) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-i", "-f", mail.envelopeSender, "--", mail.recipient]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw MailError("\(path) cannot be run (\(error.localizedDescription)); set [mail] sendmail")
        }
        // Read while writing, so a transport that answers early never blocks on a full pipe.
        let collected = CollectedOutput()
        Thread { collected.set(output.fileHandleForReading.readDataToEndOfFile()) }.start()
        try? input.fileHandleForWriting.write(contentsOf: Data(mail.text.utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        let text = String(decoding: collected.wait(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Result(status: process.terminationStatus, output: String(text.prefix(500)))
    }
}

/// The output a reader thread collects, handed over once it is done. (Unchecked: `data` is
/// written once before the semaphore is signalled and read only after it is waited for.)
final class CollectedOutput: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    func set(_ value: Data) {
        data = value
        done.signal()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
