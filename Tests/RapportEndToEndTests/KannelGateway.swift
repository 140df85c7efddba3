import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real Kannel for `rapport-sms`'s end-to-end test: bearerbox and smsbox on loopback ports of
/// their own, a `fake` SMSC, and `fakesmsc` (Debian `kannel-extras`) as the carrier — it
/// prints every text Kannel hands it and sends the debtors' answers. Installed by
/// `scripts/kannel-test-setup`; everything runs from a folder of the test's and is killed with
/// the gateway.
final class KannelGateway {
    static let bearerbox = "/usr/sbin/bearerbox"
    static let smsbox = "/usr/sbin/smsbox"
    static let fakesmsc = "/usr/lib/kannel/test/fakesmsc"

    /// Why Kannel cannot run here, or nil when it can.
    static let problem: String? = {
        for program in [bearerbox, smsbox, fakesmsc] where !FileManager.default.isExecutableFile(atPath: program) {
            return "\(program) is not installed"
        }
        return nil
    }()

    /// Numbers the gateway routes nowhere: smsbox refuses them (403, "Not routable") and
    /// reports the failure (type 16) to the job's dlr-url.
    static let unroutable = "+1999"

    let folder: URL
    let sendsmsPort: Int
    let smscPort: Int
    let password = "sendsms-\(UUID().uuidString.prefix(8))"
    private var boxes: [Process] = []
    private var carrier: Process?
    private var carrierInput: Pipe?

    var sendsmsURL: String { "http://127.0.0.1:\(sendsmsPort)/cgi-bin/sendsms" }
    var carrierLog: URL { folder.appendingPathComponent("fakesmsc.log") }

    /// Writes the configuration: the `sms-service` forwards every text to `listen` with `secret`.
    init(folder: URL, listenPort: Int, secret: String) throws {
        self.folder = folder
        let ports = try (0..<4).map { _ in try Self.freePort() }
        sendsmsPort = ports[0]
        smscPort = ports[2]
        let log = folder.path
        let config = """
            group = core
            admin-port = \(ports[1])
            admin-password = \(UUID().uuidString)
            admin-interface = 127.0.0.1
            smsbox-port = \(ports[3])
            smsbox-interface = 127.0.0.1
            box-allow-ip = 127.0.0.1
            log-file = "\(log)/bearerbox.log"
            log-level = 1
            dlr-storage = internal

            group = smsc
            smsc = fake
            smsc-id = fake
            port = \(smscPort)
            connect-allow-ip = 127.0.0.1
            denied-prefix = "\(Self.unroutable)"

            group = smsbox
            bearerbox-host = 127.0.0.1
            bearerbox-port = \(ports[3])
            sendsms-port = \(sendsmsPort)
            sendsms-interface = 127.0.0.1
            log-file = "\(log)/smsbox.log"
            log-level = 1
            mo-recode = true

            group = sendsms-user
            username = rapport
            password = \(password)
            max-messages = 10
            concatenation = true

            group = sms-service
            keyword = default
            catch-all = true
            max-messages = 0
            get-url = "http://127.0.0.1:\(listenPort)/kannel/mo?secret=\(secret)&from=%p&to=%P&text=%a&id=%I&time=%t"

            """
        try config.write(to: folder.appendingPathComponent("kannel.conf"), atomically: false, encoding: .utf8)
    }

    deinit { stop() }

    /// Starts bearerbox and smsbox and waits until smsbox answers on its sendsms port.
    func start() throws {
        boxes.append(try Self.launch(Self.bearerbox, ["-v", "1", config], log: "bearerbox.out", in: folder))
        Thread.sleep(forTimeInterval: 0.5)
        try startSMSBox()
    }

    func startSMSBox() throws {
        boxes.append(try Self.launch(Self.smsbox, ["-v", "1", config], log: "smsbox.out", in: folder))
        guard Self.eventually(20, { self.answers() }) else {
            throw KannelError("smsbox did not answer on port \(sendsmsPort); see \(folder.path)/smsbox.log")
        }
    }

    /// Stops smsbox only: `sendsms` is refused, as when a gateway is down.
    func stopSMSBox() {
        for box in boxes where box.executableURL?.path == Self.smsbox && box.isRunning {
            kill(box.processIdentifier, SIGKILL)
            box.waitUntilExit()
        }
    }

    var config: String { folder.appendingPathComponent("kannel.conf").path }

    /// Connects fakesmsc as the carrier: it receives what Kannel sends.
    func connectCarrier() throws {
        let input = Pipe()
        carrier = try Self.launch(
            Self.fakesmsc, ["-H", "127.0.0.1", "-r", String(smscPort), "-m", "0"], log: "fakesmsc.log", in: folder,
            input: input)
        carrierInput = input
    }

    /// A debtor's text through the carrier: the receiving fakesmsc steps aside (the fake SMSC
    /// takes one client), one sends `text` from `from` to `to`, then the receiver comes back.
    func textFrom(_ from: String, to: String, _ text: String, until arrived: () throws -> Bool) throws {
        disconnectCarrier()
        let sender = try Self.launch(
            Self.fakesmsc, ["-H", "127.0.0.1", "-r", String(smscPort), "-m", "1", "\(from) \(to) text \(text)"],
            log: "fakesmsc-mo.log", in: folder)
        let delivered = Self.eventually(20) { (try? arrived()) == true }
        kill(sender.processIdentifier, SIGKILL)
        sender.waitUntilExit()
        guard delivered else { throw KannelError("the text from \(from) never reached rapport-sms") }
    }

    func disconnectCarrier() {
        if let carrier, carrier.isRunning {
            kill(carrier.processIdentifier, SIGKILL)
            carrier.waitUntilExit()
        }
        carrier = nil
        carrierInput = nil
    }

    func stop() {
        disconnectCarrier()
        for box in boxes where box.isRunning {
            kill(box.processIdentifier, SIGKILL)
            box.waitUntilExit()
        }
        boxes = []
    }

    /// The texts the carrier received, each part as fakesmsc printed it.
    func received() -> [CarrierMessage] {
        guard let log = try? Data(contentsOf: carrierLog) else { return [] }
        return String(decoding: log, as: UTF8.self).split(separator: "\n").compactMap(CarrierMessage.init)
    }

    private func answers() -> Bool {
        guard let url = URL(string: sendsmsURL) else { return false }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answered = false
        URLSession.shared.dataTask(with: url) { _, response, _ in
            answered = response != nil
            done.signal()
        }.resume()
        done.wait()
        return answered
    }

    private static func launch(
        _ program: String, _ arguments: [String], log: String, in folder: URL, input: Pipe? = nil
    ) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let path = folder.appendingPathComponent(log).path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    static func eventually(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(200_000)
        }
        return condition()
    }

    /// A loopback port nobody holds now.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, size) == 0 && getsockname(socket, $0, &size) == 0
            }
        }
        guard bound else { throw KannelError("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct KannelError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One text as fakesmsc printed it: `Got message N: <from to type data>`, where type is
/// `text` (the text itself), `ucs-2` (UCS-2 bytes, url-encoded) or `udh` (a part of a long
/// text: its header, then `data` and the part's bytes, url-encoded).
struct CarrierMessage {
    var from: String
    var to: String
    var type: String
    var header: [UInt8]
    var bytes: [UInt8]

    init?(_ line: Substring) {
        guard let start = line.range(of: ": <"), line.contains("Got message"), line.hasSuffix(">") else { return nil }
        let content = line[start.upperBound..<line.index(before: line.endIndex)]
        let fields = content.split(separator: " ", maxSplits: 3).map(String.init)
        guard fields.count == 4 else { return nil }
        (from, to, type) = (fields[0], fields[1], fields[2])
        switch type {
        case "udh":
            let parts = fields[3].split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { return nil }
            header = Self.unescape(parts[0])
            bytes = Self.unescape(parts[2])
        case "ucs-2":
            header = []
            bytes = Self.unescape(fields[3])
        default:
            header = []
            bytes = Array(fields[3].utf8)
        }
    }

    /// fakesmsc's url-encoding: `%XX` a byte, `+` a space.
    static func unescape(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var characters = Array(text.utf8)[...]
        while let first = characters.popFirst() {
            if first == UInt8(ascii: "%"), characters.count >= 2,
                let byte = UInt8(String(decoding: characters.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(byte)
                characters = characters.dropFirst(2)
            } else {
                bytes.append(first == UInt8(ascii: "+") ? 0x20 : first)
            }
        }
        return bytes
    }

    /// A long text's part number and count, from its concatenation header (IEI 0).
    var part: (sequence: Int, total: Int)? {
        header.count >= 6 && header[1] == 0 ? (Int(header[5]), Int(header[4])) : nil
    }
}
