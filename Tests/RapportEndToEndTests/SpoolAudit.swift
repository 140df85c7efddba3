import Foundation

/// Checks the promises of crash safety on a sandbox after whatever happened to it: every job
/// file complete and there once, no message twice, every job the records call written present
/// in its folder, and a sound database. Returns what is wrong, so a test can show it all.
struct SpoolAudit {
    let sandbox: Sandbox

    /// The folders a job file can be in, with the job states that put it there.
    static let folders: [(folder: String, states: Set<String>)] = [
        ("new", ["spooled"]), ("review", ["review"]), ("hold", ["held"]), ("cur", ["claimed"]), ("done", ["delivered"]),
        ("failed", ["failed"]), ("expired", ["expired"]), ("withdrawn", ["withdrawn", "cancelled"]),
    ]

    /// - Parameter finished: true after a clean tick: nothing may be left `planned` or in `tmp/`.
    func problems(finished: Bool) throws -> [String] {
        var problems: [String] = []
        var byID: [String: String] = [:]
        var byMessage: [String: String] = [:]
        var fileFolder: [String: String] = [:]
        for (folder, _) in Self.folders {
            let names = try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.spool)/\(folder)")
                .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".result.json") }
            for name in names {
                let path = "\(folder)/\(name)"
                fileFolder[name] = folder
                let data = try Data(contentsOf: URL(fileURLWithPath: "\(sandbox.spool)/\(path)"))
                guard let job = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let id = job["id"] as? String,
                    let agreement = job["agreement"] as? String, let kind = job["kind"] as? String,
                    let local = job["local_time"] as? String
                else {
                    problems.append("half-written or unreadable: \(path)")
                    continue
                }
                if !name.hasSuffix("_\(id).json") { problems.append("\(path) holds job \(id)") }
                if let earlier = byID[id] { problems.append("job \(id) twice: \(earlier) and \(path)") }
                byID[id] = path
                // A withdrawn or expired job never reached the debtor: its replacement (R18, say
                // on another channel after an opt-out) is not the same message twice.
                let message = "\(agreement) \(kind) \(local.prefix(10))"
                if folder != "withdrawn", folder != "expired", let earlier = byMessage[message] {
                    problems.append("the same message twice (\(message)): \(earlier) and \(path)")
                }
                if folder != "withdrawn", folder != "expired" { byMessage[message] = path }
            }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.spool)/tmp")
        if finished, !leftovers.isEmpty { problems.append("tmp/ still holds \(leftovers.count) file(s)") }

        problems += try sandbox.integrityProblems()
        var recorded: Set<String> = []
        for (name, state) in try sandbox.pairs("SELECT file_name, state FROM job") {
            recorded.insert(name)
            if state == "planned" {
                if finished { problems.append("\(name) is still only planned after a clean tick") }
                continue
            }
            let expected = Self.folders.filter { $0.states.contains(state) }.map(\.folder)
            let found = fileFolder[name]
            switch state {
            case "spooled", "review", "held":
                // Lost: the records say it was written, the spool does not have it.
                if found.map({ !expected.contains($0) }) ?? true {
                    problems.append("\(name) is \(state) but is in \(found ?? "no folder")")
                }
            default:
                // Expired or withdrawn before its file existed, or moved on: absent is fine, elsewhere is not.
                if let found, !expected.contains(found) {
                    problems.append("\(name) is \(state) but is in \(found)/")
                }
            }
        }
        for name in fileFolder.keys where !recorded.contains(name) {
            problems.append("\(fileFolder[name] ?? "?")/\(name) has no record")
        }
        return problems
    }
}
