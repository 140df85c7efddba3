import Foundation
import RapportCore
import Testing
@testable import RapportSpool

/// The spool on a real temporary directory.
@Suite("Spool")
struct SpoolTests {
    let root: String
    let spool: Spool

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-spool-\(UUID().uuidString)").path
        spool = Spool(root: root)
        try spool.prepare()
    }

    func job(_ key: String = "k", notBefore: Date = Date(timeIntervalSince1970: 1_796_000_000)) -> Job {
        let contact = PlannedContact(
            jobID: "j-" + StableHash.hex(key), touchpoint: key, kind: .preDue, channel: .sms, to: "+12145550100",
            agreement: Identifier("A-1")!, agreements: [Identifier("A-1")!], debtor: Debtor(id: Identifier("D-1")!, name: "Sam"),
            timezone: "America/Chicago", notBefore: notBefore, notAfter: notBefore.addingTimeInterval(3600), localTime: "x",
            reason: "r", installment: nil, amountDue: nil, paymentAmount: nil, currency: "USD")
        return Job(contact: contact, locale: "en", subject: nil, body: "Hi. Reply STOP to opt out.", createdAt: notBefore)
    }

    func mode(_ path: String) throws -> Int {
        ((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    @Test("prepare creates every folder of the contract with mode 0750")
    func folders() throws {
        for folder in Spool.Folder.allCases {
            #expect(try mode(spool.path(folder)) == 0o750, "\(folder)")
        }
    }

    @Test("A job lands in new/ complete, mode 0640, named for send order; tmp/ is left empty")
    func write() throws {
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
    func idempotent() throws {
        let job = job()
        try spool.write(job)
        try spool.write(job)
        #expect(try spool.list(.new).count == 1)
        #expect(try spool.move(job.fileName, from: .new, to: .cur))
        #expect(try spool.write(job).folder == .cur)
        #expect(try spool.list(.new).isEmpty)
    }

    @Test("A move loses the race cleanly when someone else moved the file first")
    func moveRace() throws {
        let job = job()
        try spool.write(job)
        #expect(try spool.move(job.fileName, from: .new, to: .cur))
        #expect(try spool.move(job.fileName, from: .new, to: .withdrawn) == false)
        #expect(try spool.locate(job.fileName)?.folder == .cur)
    }

    @Test("prepare removes what a crash left in tmp/")
    func cleansTmp() throws {
        _ = FileManager.default.createFile(atPath: spool.path(.tmp, "half-written.json"), contents: Data("{".utf8))
        try spool.prepare()
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path(.tmp)).isEmpty)
    }

    @Test("ls lists in send order; only job names the spool issues are accepted")
    func namesAndOrder() throws {
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
}
