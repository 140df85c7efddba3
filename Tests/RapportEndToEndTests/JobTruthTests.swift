import Foundation
import Logging
import RapportCommandLine
import RapportCore
import RapportEngine
import RapportSpool
import RapportTestSupport
import Testing

/// On a cluster the job row is the truth (issue 26): claims and acknowledgements go through
/// the database, from any host's spool, and each host's `new/` is a mirror of the ready rows.
@Suite("The job row is the truth on a cluster", .serialized)
struct JobTruthTests {
    static let config = """
        [cluster]
        partitions = 16
        """

    /// Zones where it is now between 10:00 and 16:00: a job planned there is due at once, so
    /// the database's clock lets it be claimed. The list spans the day, so some always are.
    static func middayZones(at now: Date = Date()) -> [String] {
        let zones = [
            "Pacific/Honolulu", "America/Los_Angeles", "America/Chicago", "America/New_York", "America/Sao_Paulo",
            "Atlantic/Azores", "Europe/London", "Europe/Paris", "Europe/Moscow", "Asia/Dubai", "Asia/Kolkata",
            "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
        ]
        return zones.filter { name in
            guard let zone = TimeZone(identifier: name) else { return false }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            return (10..<16).contains(calendar.component(.hour, from: now))
        }
    }

    /// `count` agreements of as many debtors, each in a zone where it is midday.
    static func lines(_ count: Int) throws -> String {
        let zones = middayZones()
        try #require(!zones.isEmpty, "some zone is at midday")
        return (0..<count).map { Sandbox.agreementLine("R-\($0)", zone: zones[$0 % zones.count], dueInDays: 2) }
            .joined(separator: "\n")
    }

    /// Moves every ready job's `not_before` a minute into the past, by the database's clock
    /// (claims go by it), renaming its file to match and deleting the files mirrored so far:
    /// time passing, without waiting for the slots the planner spread the jobs over.
    static func makeReadyJobsDue(_ sandbox: Sandbox, spools: [String]) throws {
        try sandbox.execute(
            """
            UPDATE job SET not_before = date_trunc('second', now()) - interval '1 minute',
                not_after = now() + interval '1 hour',
                file_name = to_char((date_trunc('second', now()) - interval '1 minute') AT TIME ZONE 'UTC',
                    'YYYYMMDD"T"HH24MISS"Z"') || '_' || channel || '_' || id || '.json'
            WHERE state = 'spooled'
            """)
        for spool in spools {
            let new = sandbox.root.appendingPathComponent(spool).appendingPathComponent("new").path
            for name in (try? FileManager.default.contentsOfDirectory(atPath: new)) ?? [] {
                try FileManager.default.removeItem(atPath: "\(new)/\(name)")
            }
        }
    }

    @Test(
        """
        R18: 1,000 claim-versus-withdraw races from two hosts' tools: each job ends claimed or withdrawn, never both, \
        and a withdrawn job's file is gone from every spool after one tick
        """)
    func claimVersusWithdraw() async throws {
        let sandbox = try Sandbox(store: .postgres, extraConfig: Self.config)
        try #require(try sandbox.importAgreements([try Self.lines(1000)]).code == 0)
        let a = try await sandbox.openEngine(spool: "spool-a")
        let b = try await sandbox.openEngine(spool: "spool-b")
        _ = try await a.tick(at: Date())
        try Self.makeReadyJobsDue(sandbox, spools: ["spool-a"])
        _ = try await a.tick(at: Date())
        _ = try await b.tick(at: Date())
        let ready = try await a.store.jobs(in: .spooled)
        try #require(ready.count == 1000, "every debtor has one ready job")
        #expect(try a.spool.list(.new).count == 1000 && b.spool.list(.new).count == 1000, "both hosts mirror them")
        let settings = try sandbox.settings()
        let toolA = try await StorageOptions.deliveryClaims(
            spool: a.spool, settings: settings, logger: Logger(label: "a"))
        let toolB = try await StorageOptions.deliveryClaims(
            spool: b.spool, settings: settings, logger: Logger(label: "b"))
        async let claimedA = Self.claimAll(toolA)
        async let claimedB = Self.claimAll(toolB)
        async let withdrawals = a.cancel(ready.shuffled(), reason: "race", at: Date())
        let (byA, byB, cancelled) = try await (claimedA, claimedB, withdrawals)
        let withdrawn = Set(cancelled.filter(\.changed).map(\.jobID))
        let states = try sandbox.pairs("SELECT id, state FROM job")
        let claimedRows = Set(states.filter { $0.1 == "claimed" }.compactMap { JobID($0.0) })
        let cancelledRows = Set(states.filter { $0.1 == "cancelled" }.compactMap { JobID($0.0) })
        // Counts, not sets, in the expectations: a failure then reads in one line.
        let claimedTwice = byA.intersection(byB).count
        let claimedAndWithdrawn = byA.union(byB).intersection(withdrawn).count
        let claimsNotRecorded = claimedRows.symmetricDifference(byA.union(byB)).count
        let withdrawalsNotRecorded = cancelledRows.symmetricDifference(withdrawn).count
        #expect(claimedTwice == 0, "no job claimed from both hosts")
        #expect(claimedAndWithdrawn == 0, "no job both claimed and withdrawn")
        #expect(claimsNotRecorded == 0, "the records' claims are the tools' claims")
        #expect(withdrawalsNotRecorded == 0, "the records' withdrawals are the withdrawer's")
        #expect(claimedRows.count + cancelledRows.count == 1000, "each job ended exactly one of the two")
        // Which side wins how many is the scheduler's affair; that they raced at all is ours.
        let winners = [byA, byB, withdrawn].filter { !$0.isEmpty }.count
        #expect(winners >= 2, "at least two of the three won some races")
        _ = try await a.tick(at: Date())
        _ = try await b.tick(at: Date())
        let names = Set(ready.filter { withdrawn.contains($0.id) }.map(\.fileName))
        let leftInA = Set(try a.spool.list(.new)).intersection(names).count
        let leftInB = Set(try b.spool.list(.new)).intersection(names).count
        #expect(leftInA == 0 && leftInB == 0, "no withdrawn job's file left in either host's new/")
        print("claim-versus-withdraw: \(byA.count) claimed from a, \(byB.count) from b, \(withdrawn.count) withdrawn")
    }

    /// Claims until nothing is ready; the ids claimed.
    static func claimAll(_ claims: DeliveryClaims) async throws -> Set<JobID> {
        var claimed: Set<JobID> = []
        while let location = try await claims.claim(at: Date()) {
            if let id = JobFileName(location.name)?.id { claimed.insert(id) }
        }
        return claimed
    }

    @Test(
        """
        rapportctl spool claim and ack go through the records: a job claimed from one host's spool is never offered \
        from another's, a rename into cur/ is put back, a withdrawn job's file leaves the owner's spool
        """)
    func claimsThroughTheRecords() async throws {
        let sandbox = try Sandbox(store: .postgres, extraConfig: Self.config)
        try #require(try sandbox.importAgreements([try Self.lines(3)]).code == 0)
        let spoolA = sandbox.root.appendingPathComponent("spool-a").path
        let spoolB = sandbox.root.appendingPathComponent("spool-b").path
        // a owns every partition for its tick and mirrors the three; then b does, and a's
        // files are shadows of the jobs b now owns.
        let planning = try sandbox.run("rapportd", ["--once", "--node", "a", "--spool", spoolA])
        try #require(planning.code == 0, "\(planning.err)")
        try Self.makeReadyJobsDue(sandbox, spools: ["spool-a"])
        for (node, spool) in [("a", spoolA), ("b", spoolB)] {
            let run = try sandbox.run("rapportd", ["--once", "--node", node, "--spool", spool])
            try #require(run.code == 0, "\(run.err)")
        }
        let mirrored = try FileManager.default.contentsOfDirectory(atPath: "\(spoolB)/new").sorted()
        try #require(
            mirrored.count == 3
                && mirrored == (try FileManager.default.contentsOfDirectory(atPath: "\(spoolA)/new").sorted()))
        let first = try sandbox.run("rapportctl", ["spool", "claim", "--spool", spoolA])
        #expect(first.code == 0 && first.out.contains("/cur/\(mirrored[0])"), "\(first.err)")
        let second = try sandbox.run("rapportctl", ["spool", "claim", "--spool", spoolB])
        #expect(
            second.code == 0 && second.out.contains("/cur/\(mirrored[1])"),
            "b's tool skips what a claimed: \(second.out)")
        #expect(!FileManager.default.fileExists(atPath: "\(spoolB)/new/\(mirrored[0])"), "the shadow is gone")
        // A plain rename proves nothing: the next tick puts it back.
        try FileManager.default.moveItem(atPath: "\(spoolB)/new/\(mirrored[2])", toPath: "\(spoolB)/cur/\(mirrored[2])")
        let undo = try sandbox.run("rapportd", ["--once", "--node", "b", "--spool", spoolB])
        #expect(undo.code == 0 && undo.err.contains("renamed into cur/ without a claim"), "\(undo.err)")
        #expect(FileManager.default.fileExists(atPath: "\(spoolB)/new/\(mirrored[2])"), "put back in new/")
        let ack = try sandbox.run(
            "rapportctl", ["spool", "ack", mirrored[0], "--status", "delivered", "--spool", spoolA])
        #expect(ack.code == 0 && ack.out.contains("/done/"), "\(ack.err)")
        let again = try sandbox.run(
            "rapportctl", ["spool", "ack", mirrored[1], "--status", "delivered", "--spool", spoolA])
        #expect(again.code == 65, "a job a's spool did not claim cannot be acknowledged there: \(again.err)")
        let third = JobFileName(mirrored[2])?.id.rawValue ?? ""
        let withdraw = try sandbox.run("rapportctl", ["spool", "withdraw", third, "--reason", "test"])
        #expect(withdraw.code == 0, "\(withdraw.err)")
        _ = try sandbox.run("rapportd", ["--once", "--node", "b", "--spool", spoolB])
        #expect(!FileManager.default.fileExists(atPath: "\(spoolB)/new/\(mirrored[2])"), "the withdrawn job left new/")
        let states = try sandbox.pairs("SELECT id, state FROM job ORDER BY not_before, id").map(\.1)
        #expect(states.sorted() == ["cancelled", "claimed", "delivered"], "\(states)")
    }

    @Test(
        """
        A job a tool hands back unsent (its provider unreachable) is ready again in the records first: claimable \
        from either host, and a delivered one is never handed back
        """)
    func handBackThroughTheRecords() async throws {
        let sandbox = try Sandbox(store: .postgres, extraConfig: Self.config)
        try #require(try sandbox.importAgreements([try Self.lines(1)]).code == 0)
        let a = try await sandbox.openEngine(spool: "spool-a")
        let b = try await sandbox.openEngine(spool: "spool-b")
        _ = try await a.tick(at: Date())
        try Self.makeReadyJobsDue(sandbox, spools: ["spool-a"])
        _ = try await a.tick(at: Date())
        let settings = try sandbox.settings()
        let toolA = try await StorageOptions.deliveryClaims(
            spool: a.spool, settings: settings, logger: Logger(label: "a"))
        let toolB = try await StorageOptions.deliveryClaims(
            spool: b.spool, settings: settings, logger: Logger(label: "b"))
        let claimed = try #require(try await toolA.claim(at: Date()))
        let id = try #require(JobFileName(claimed.name)?.id)
        #expect(try sandbox.pairs("SELECT id, state FROM job").contains { $0 == (id.rawValue, "claimed") })
        try await toolA.release(claimed.name, why: "handed back unsent: the provider could not be reached")
        #expect(try sandbox.pairs("SELECT id, state FROM job").contains { $0 == (id.rawValue, "spooled") })
        #expect(try a.spool.list(.new) == [claimed.name] && a.spool.list(.cur).isEmpty)
        _ = try await b.tick(at: Date())
        let again = try #require(try await toolB.claim(at: Date()), "the other host's tool may claim it now")
        #expect(again.name == claimed.name)
        try await toolB.acknowledge(again.name, outcome: Outcome(delivered: true, at: Date()))
        await #expect(throws: NotClaimed.self, "a delivered job is never handed back") {
            try await toolB.release(again.name, why: "too late")
        }
    }
}
