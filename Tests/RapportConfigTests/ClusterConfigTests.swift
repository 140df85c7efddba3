import Foundation
import RapportCore
import Testing

@testable import RapportConfig

/// `[cluster]` (issue 26): absent on a single host, its defaults the contract's, every bad
/// value one line naming the key.
@Suite("Config: [cluster]")
struct ClusterConfigTests {
    func parse(_ text: String) throws(ConfigError) -> Settings {
        try ConfigLoader.parse(text, file: "test.toml", baseDirectory: "/etc/rapport")
    }

    func message(_ text: String) -> String? {
        do { _ = try parse(text); return nil } catch { return error.message }
    }

    @Test("No [cluster], no cluster; an empty one has the contract's defaults and the host's name")
    func defaults() throws {
        #expect(try parse("").cluster == nil)
        let cluster = try #require(try parse("[cluster]").cluster)
        #expect(cluster.node == ProcessInfo.processInfo.hostName)
        #expect(cluster.partitions == 256)
        #expect(cluster.leaseSeconds == 15)
        #expect(cluster.renewSeconds == 5)
        #expect(cluster.mirrorHorizon[.sms] == .seconds(900))
        #expect(cluster.mirrorHorizon[.letter] == .seconds(3 * 86_400))
    }

    @Test("Every key is read: node, partitions, the lease, and each channel's mirror horizon")
    func values() throws {
        let cluster = try #require(
            try parse(
                """
                [cluster]
                node = "db-a.1"
                partitions = 64
                lease_seconds = 30
                renew_seconds = 10
                [cluster.mirror]
                sms = "90s"
                email = "2h"
                voice = "5m"
                letter = "4d"
                """
            ).cluster)
        #expect(cluster.node == "db-a.1")
        #expect(cluster.partitions == 64)
        #expect(cluster.leaseSeconds == 30)
        #expect(cluster.renewSeconds == 10)
        #expect(cluster.mirrorHorizon[.sms] == .seconds(90))
        #expect(cluster.mirrorHorizon[.email] == .seconds(7200))
        #expect(cluster.mirrorHorizon[.voice] == .seconds(300))
        #expect(cluster.mirrorHorizon[.letter] == .seconds(4 * 86_400))
    }

    @Test("Bad values name the file, the section and the key")
    func refusals() {
        #expect(message("[cluster]\nnodes = \"a\"")?.hasPrefix("test.toml: [cluster] nodes is not a known key") == true)
        #expect(
            message("[cluster]\nnode = \"a b\"")?.contains("[cluster] node \"a b\" is not a valid node name") == true)
        #expect(
            message("[cluster]\npartitions = 0")?.contains("[cluster] partitions must be between 1 and 4096") == true)
        #expect(
            message("[cluster]\nlease_seconds = 10\nrenew_seconds = 5")?.contains(
                "[cluster] renew_seconds must be less than half of lease_seconds (10)") == true)
        #expect(
            message("[cluster.mirror]\nsms = \"15 minutes\"")?.contains(
                "[cluster.mirror] sms \"15 minutes\" is not a duration") == true)
        #expect(message("[cluster.mirror]\nfax = \"1d\"")?.contains("[cluster.mirror] fax is not a known key") == true)
    }
}
