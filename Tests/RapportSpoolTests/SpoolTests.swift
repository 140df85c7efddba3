import Foundation
import RapportCore
import RapportTestSupport
import Testing
@testable import RapportSpool

/// The spool on a real temporary directory.
@Suite("Spool")
struct SpoolTests {
    let folder: TemporaryFolder
    let root: String
    let spool: Spool

    init() throws {
        folder = try TemporaryFolder("spool")
        root = folder.appending("spool").path
        spool = Spool(root: root)
        try spool.prepare()
    }

    func job(_ key: String = "k", notBefore: Date = Date(timeIntervalSince1970: 1_796_000_000)) -> Job {
        let contact = PlannedContact(
            jobID: JobID("j-" + StableHash.hex(key))!, touchpoint: TouchpointKey(rawValue: key), kind: .preDue,
            channel: .sms,
            to: "+12145550100",
            agreement: Identifier("A-1")!, agreements: [Identifier("A-1")!],
            debtor: Debtor(id: Identifier("D-1")!, name: "Sam"),
            timezone: "America/Chicago", notBefore: notBefore, notAfter: notBefore.addingTimeInterval(3600),
            localTime: "x",
            reason: "r", installment: nil, statement: nil, paymentAmount: nil, currency: "USD")
        return Job(
            contact: contact, locale: "en", subject: nil, body: "Hi. Reply STOP to opt out.", createdAt: notBefore)
    }

    func mode(_ path: String) throws -> Int {
        ((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    @Test("prepare creates every folder of the contract: 2770 where delivery tools write, 0750 elsewhere")
    func folders() async throws {
        let shared: Set<Spool.Folder> = [.new, .cur, .done, .failed, .inbound, .inboundTmp]
        for folder in Spool.Folder.allCases {
            #expect(try mode(spool.path(folder)) == (shared.contains(folder) ? 0o2770 : 0o750), "\(folder)")
        }
        #expect(try mode(spool.root) == 0o750)
    }

    @Test(
        """
        prepare on a spool already right changes nothing: the service's RestrictSUIDSGID= refuses any chmod \
        that sets the setgid bit, even where it is set
        """)
    func preparedAlready() async throws {
        /// When each folder last changed its owner or mode: a chmod to the same mode moves it too.
        func changed() throws -> [Int] {
            try ([spool.root] + Spool.Folder.allCases.map { spool.path($0) }).map { path in
                var info = stat()
                try #require(lstat(path, &info) == 0)
                return info.st_ctim.tv_sec * 1_000_000_000 + info.st_ctim.tv_nsec
            }
        }
        let before = try changed()
        try await Task.sleep(for: .milliseconds(20))
        try spool.prepare()
        #expect(try changed() == before)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: spool.path(.new))
        try spool.prepare()
        #expect(try mode(spool.path(.new)) == 0o2770, "a folder that is not right is still put right")
    }

    @Test("A job lands in new/ complete, mode 0640, named for send order; tmp/ is left empty")
    func write() async throws {
        let job = job()
        let location = try spool.write(job)
        #expect(location.folder == .new)
        #expect(location.name == "20261130T005320Z_sms_\(job.id).json")
        let path = spool.path(.new, location.name)
        #expect(try mode(path) == 0o640)
        #expect(try Job.decode(Data(contentsOf: URL(fileURLWithPath: path))) == job)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path(.tmp)).isEmpty)
    }

    @Test("Writing the same job again, from any folder it has reached, never makes a second file")
    func idempotent() async throws {
        let job = job()
        try spool.write(job)
        try spool.write(job)
        #expect(try spool.list(.new).count == 1)
        #expect(try spool.move(job.fileName, from: .new, to: .cur))
        #expect(try spool.write(job).folder == .cur)
        #expect(try spool.list(.new).isEmpty)
    }

    @Test("A move loses the race cleanly when someone else moved the file first")
    func moveRace() async throws {
        let job = job()
        try spool.write(job)
        #expect(try spool.move(job.fileName, from: .new, to: .cur))
        #expect(try spool.move(job.fileName, from: .new, to: .withdrawn) == false)
        #expect(try spool.locate(job.fileName)?.folder == .cur)
    }

    @Test("prepare removes what a crash left in tmp/")
    func cleansTmp() async throws {
        _ = FileManager.default.createFile(atPath: spool.path(.tmp, "half-written.json"), contents: Data("{".utf8))
        try spool.prepare()
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path(.tmp)).isEmpty)
    }

    @Test("ls lists in send order; only job names the spool issues are accepted")
    func namesAndOrder() async throws {
        try spool.write(job("b", notBefore: Date(timeIntervalSince1970: 1_796_100_000)))
        try spool.write(job("a", notBefore: Date(timeIntervalSince1970: 1_796_000_000)))
        let names = try spool.list(.new)
        #expect(names == names.sorted())
        #expect(names.first?.hasPrefix("20261130T005320Z") == true)
        #expect(!Spool.isJobFileName("../../etc/passwd"))
        #expect(!Spool.isJobFileName("20261130T005320Z_sms_j-../x.json"))
        #expect(!Spool.isJobFileName("20261130T005320Z_fax_j-\(StableHash.hex("a")).json"))
        #expect(Spool.isJobFileName(names[0]))
        #expect(throws: SystemError.self) { try spool.write(Data("{}".utf8), named: "../escape.json") }
    }

    @Test("A spool whose root cannot be created reports the path and errno")
    func unwritable() {
        let spool = Spool(root: "/proc/rapport-\(UUID().uuidString)")
        #expect {
            try spool.prepare()
        } throws: { error in
            "\(error)".contains("/proc/rapport-")
        }
    }

    @Test("A batch lands whole in its folders with one flush; a name already in any folder is left as it is")
    func batch() async throws {
        let jobs = (0..<5).map { job("b\($0)") }
        _ = try spool.write(jobs[0], into: .cur)
        let files = try jobs.enumerated().map { index, job in
            Spool.FileToWrite(name: job.fileName, data: try job.encoded(), folder: index == 4 ? .review : .new)
        }
        let locations = try spool.write(batch: files)
        #expect(locations.map(\.folder) == [Spool.Folder.cur, .new, .new, .new, .review])
        #expect(try spool.list(.new).count == 3)
        #expect(try spool.list(.tmp).isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: spool.path(.new, jobs[1].fileName))) == jobs[1].encoded())
    }

    @Test("A batch with a name the spool would never issue writes nothing")
    func batchRefusesBadNames() async throws {
        let good = job("g")
        let files = [
            Spool.FileToWrite(name: good.fileName, data: try good.encoded(), folder: .new),
            Spool.FileToWrite(name: "../escape.json", data: Data("x".utf8), folder: .new),
        ]
        #expect(throws: SystemError.self) { try spool.write(batch: files) }
        #expect(try spool.list(.new).isEmpty)
        #expect(try spool.list(.tmp).isEmpty)
    }
}

/// The delivery tool's side of the protocol, on a real directory.
@Suite("Spool protocol")
struct SpoolProtocolTests {
    let folder: TemporaryFolder
    let root: String
    let spool: Spool
    let now = Date()

    init() throws {
        folder = try TemporaryFolder("protocol")
        root = folder.appending("spool").path
        spool = Spool(root: root)
        try spool.prepare()
    }

    func job(_ key: String, channel: Channel = .sms, minutesFromNow: Double) throws -> Job {
        let notBefore = Date(
            timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60 + minutesFromNow * 60)
        let contact = PlannedContact(
            jobID: JobID("j-" + StableHash.hex(key))!, touchpoint: TouchpointKey(rawValue: key), kind: .preDue,
            channel: channel, to: "+12145550100",
            agreement: Identifier("A-1")!, agreements: [Identifier("A-1")!],
            debtor: Debtor(id: Identifier("D-1")!, name: "Sam"),
            timezone: "America/Chicago", notBefore: notBefore, notAfter: notBefore.addingTimeInterval(3600),
            localTime: "x",
            reason: "r", installment: nil, statement: nil, paymentAmount: nil, currency: "USD")
        let job = Job(contact: contact, locale: "en", subject: nil, body: "Hi", createdAt: now)
        try spool.write(job)
        return job
    }

    @Test("claim takes the oldest ready job first, by channel, and never one whose not_before is ahead")
    func claimOrder() async throws {
        let later = try job("later", minutesFromNow: -5)
        let oldest = try job("oldest", minutesFromNow: -30)
        _ = try job("email", channel: .email, minutesFromNow: -60)
        _ = try job("future", minutesFromNow: 30)
        #expect(try spool.claim(channel: .sms, at: now)?.name == oldest.fileName)
        #expect(try spool.claim(channel: .sms, at: now)?.name == later.fileName)
        #expect(try spool.claim(channel: .sms, at: now) == nil)
        #expect(try spool.claim(at: now)?.name.contains("_email_") == true)
        #expect(try spool.claim(at: now) == nil)
        #expect(try spool.list(.new).count == 1)
    }

    @Test("ack writes NAME.result.json beside the job, then moves it from cur/ to done/ or failed/")
    func acknowledge() async throws {
        let delivered = try job("a", minutesFromNow: -2)
        let failed = try job("b", minutesFromNow: -1)
        _ = try spool.claim(at: now)
        _ = try spool.claim(at: now)
        try spool.acknowledge(
            delivered.fileName, outcome: Outcome(delivered: true, at: now, detail: "ok", providerID: "gw-1"))
        try spool.acknowledge(
            failed.fileName, outcome: Outcome(delivered: false, at: now, detail: "number not in service"))
        #expect(try spool.list(.done) == [delivered.fileName])
        #expect(try spool.list(.failed) == [failed.fileName])
        #expect(spool.outcome(of: Spool.Location(folder: .done, name: delivered.fileName))?.providerID == "gw-1")
        #expect(
            spool.outcome(of: Spool.Location(folder: .failed, name: failed.fileName))?.detail == "number not in service"
        )
        let result = try Data(
            contentsOf: URL(fileURLWithPath: spool.path(.done, String(delivered.fileName.dropLast(5)) + ".result.json"))
        )
        let fields = try JSONSerialization.jsonObject(with: result) as? [String: Any]
        #expect(fields?["status"] as? String == "delivered")
        #expect(Set(fields?.keys.map { $0 } ?? []) == ["status", "at", "detail", "provider_id"])
        #expect(throws: SystemError.self) {
            try spool.acknowledge(delivered.fileName, outcome: Outcome(delivered: true, at: now))
        }
    }

    @Test("prune deletes outcome files moved before the cutoff, with their result files")
    func prune() async throws {
        let old = try job("old", minutesFromNow: -2)
        _ = try spool.claim(at: now)
        try spool.acknowledge(old.fileName, outcome: Outcome(delivered: true, at: now))
        #expect(try spool.prune(.done, movedBefore: now.addingTimeInterval(-3600)) == 0)
        #expect(try spool.prune(.done, movedBefore: Date().addingTimeInterval(1)) == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path(.done)).isEmpty)
    }
}
