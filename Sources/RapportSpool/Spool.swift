#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import Foundation
import RapportCore

/// The Maildir-style spool of the contract: Rapport's only output.
///
/// The daemon writes each job into `tmp/`, fsyncs it, renames it into `new/` and fsyncs
/// `new/`, so a job is never visible half-written and a crash never leaves two files for one
/// job. Delivery tools claim a job by renaming it into `cur/`; whoever's rename succeeds owns
/// it. Every other move (expiry, withdrawal) is also a single rename.
public struct Spool: Sendable {
    /// The spool's directories, one per state of a job file. `hold/` and `review/` are Rapport's
    /// additions to the contract's layout, both invisible to delivery tools: jobs an operator
    /// holds back, and messages for vulnerable debtors that a person must approve (R15).
    public enum Folder: String, CaseIterable, Sendable {
        case tmp, new, hold, review, cur, done, failed, expired, withdrawn
        /// Replies in (R31–R35): delivery tools write inbound messages into `in/tmp/` and
        /// rename them into `in/`; the daemon moves each to `in/done/` once its effect is
        /// recorded, or to `in/bad/` with a `.why` beside it.
        case inbound = "in"
        case inboundTmp = "in/tmp"
        case inboundDone = "in/done"
        case inboundBad = "in/bad"

        /// The contract's modes: 2770 (group-writable, setgid so what a tool creates keeps the
        /// spool's group) where delivery tools rename or write, 0750 where only Rapport does.
        public var mode: mode_t {
            switch self {
            case .new, .cur, .done, .failed, .inbound, .inboundTmp: 0o2770
            case .tmp, .hold, .review, .expired, .withdrawn, .inboundDone, .inboundBad: 0o750
            }
        }

        /// The folders a job file can be in (all but the staging folder and the inbound ones).
        public static let jobFolders: [Folder] = [.new, .hold, .review, .cur, .done, .failed, .expired, .withdrawn]
    }

    /// Where a job file was found.
    public struct Location: Sendable, Equatable {
        public var folder: Folder
        public var name: String

        public init(folder: Folder, name: String) {
            self.folder = folder
            self.name = name
        }
    }

    /// The spool's root directory.
    public let root: String
    /// The group that owns every directory and file, so delivery tools in it can claim jobs;
    /// nil keeps the creating process's group.
    public let group: gid_t?
    /// False for a throwaway spool (`simulate`): the same renames, without fsync.
    public let durable: Bool
    /// The test seam that breaks writes on purpose; nil in production.
    public let faults: FaultInjection?

    /// The spool root's mode: delivery tools in the group only traverse it.
    public static let directoryMode: mode_t = 0o750
    public static let fileMode: mode_t = 0o640

    public init(
        root: String, group: gid_t? = nil, durable: Bool = true,
        faults: FaultInjection? = FaultInjection.requested
    ) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        self.group = group
        self.durable = durable
        self.faults = faults
    }

    private func syncDirectory(_ folder: Folder) throws(SystemError) {
        if durable { try SystemCalls.fsyncDirectory(path(folder)) }
    }

    /// The absolute path of `folder`, or of `name` inside it.
    public func path(_ folder: Folder, _ name: String? = nil) -> String {
        name.map { "\(root)/\(folder.rawValue)/\($0)" } ?? "\(root)/\(folder.rawValue)"
    }

    /// Creates the root (its parent must exist) and every folder with mode 0750 and the
    /// spool's group, and removes what a crash left in `tmp/`: only the writer uses `tmp/`, and
    /// a job there was never renamed into `new/`, so it was never visible and is re-planned.
    public func prepare() throws(SystemError) {
        try makeDirectory(root, mode: Self.directoryMode)
        for folder in Folder.allCases { try makeDirectory(path(folder), mode: folder.mode) }
        for name in try SystemCalls.listDirectory(path(.tmp)) {
            try SystemCalls.unlink(path(.tmp, name))
        }
    }

    private func makeDirectory(_ directory: String, mode: mode_t) throws(SystemError) {
        var info = try SystemCalls.lstat(directory)
        if info == nil {
            do {
                try SystemCalls.mkdir(directory, mode & 0o777)
            } catch  where error.kind == .alreadyExists {}
            info = try SystemCalls.lstat(directory)
        }
        let (owner, group) = try ownership()
        let owned =
            (owner == uid_t.max || info?.st_uid == owner) && (group.map { info?.st_gid == $0 } ?? true)
        if !owned { try SystemCalls.chown(directory, owner, group ?? gid_t.max) }
        // Only what differs (after chown, which clears the setgid bit): the service's
        // `RestrictSUIDSGID=` refuses any chmod that sets it, even on a folder that has it, and
        // systemd-tmpfiles has made every folder right before the daemon starts.
        if !owned || info.map({ $0.st_mode & 0o7777 != mode }) ?? true { try SystemCalls.chmod(directory, mode) }
    }

    /// Who must own what this process creates in the spool: the spool's group, and — when
    /// running as root, as an operator's `rapportctl` or `rapportd --once` may — the owner
    /// and group of the spool's root, so the daemon can always read and move it.
    /// `uid_t.max` and nil leave the creating process's own.
    private func ownership() throws(SystemError) -> (owner: uid_t, group: gid_t?) {
        guard SystemCalls.effectiveUserID == 0, let info = try SystemCalls.lstat(root) else {
            return (uid_t.max, group)
        }
        return (info.st_uid, group ?? info.st_gid)
    }

    /// Where the job file `name` is, in any folder but `tmp/`, or nil when it is nowhere.
    public func locate(_ name: String) throws(SystemError) -> Location? {
        for folder in Folder.jobFolders {
            if try SystemCalls.lstat(path(folder, name)) != nil { return Location(folder: folder, name: name) }
        }
        return nil
    }

    /// Writes `job` durably into `new/`, unless a file of that name already exists in any
    /// folder, which is what makes a re-write after a crash safe.
    /// - Returns: where the job's file now is.
    @discardableResult
    public func write(_ job: Job, into folder: Folder = .new) throws(SystemError) -> Location {
        let bytes: Data
        do { bytes = try job.encoded() } catch { throw SystemError(call: "encode", path: job.fileName, errno: EINVAL) }
        return try write(bytes, named: job.fileName, into: folder)
    }

    /// Writes the exact bytes of a job file durably into `folder` (`new/` unless it awaits
    /// review) under `name`, which must be a job file name this project issues, unless a file
    /// of that name exists in any folder.
    @discardableResult
    public func write(_ data: Data, named name: String, into folder: Folder = .new) throws(SystemError) -> Location {
        try write(batch: [FileToWrite(name: name, data: data, folder: folder)])[0]
    }

    /// A job file to write: its exact bytes, its name and the folder it goes to.
    public struct FileToWrite: Sendable {
        public var name: String
        public var data: Data
        public var folder: Folder

        public init(name: String, data: Data, folder: Folder) {
            self.name = name
            self.data = data
            self.folder = folder
        }
    }

    /// Writes job files durably with one flush for the whole batch instead of one per file:
    /// every file into `tmp/`, one `syncfs`, every rename, one fsync per destination folder.
    /// A file is only ever renamed once its bytes are on disk, so no folder but `tmp/` ever
    /// holds half a job; a name that already exists in any folder is left as it is, which is
    /// what makes writing a job again after a crash safe.
    ///
    /// On failure nothing is reported written. Files already renamed stay where they are and
    /// are found by name when the caller retries (`locate`); staged files are removed.
    /// - Returns: where each file now is, in the order given.
    @discardableResult
    public func write(batch: [FileToWrite]) throws(SystemError) -> [Location] {
        var locations: [Location?] = Array(repeating: nil, count: batch.count)
        var staged: [(index: Int, staging: String)] = []
        let (owner, group) = try ownership()
        do throws(SystemError) {
            for (index, file) in batch.enumerated() {
                guard Self.isJobFileName(file.name) else {
                    throw SystemError(call: "write", path: file.name, errno: EINVAL)
                }
                if let existing = try locate(file.name) {
                    locations[index] = existing
                    continue
                }
                let staging = path(.tmp, file.name)
                try stage(Array(file.data), at: staging, owner: owner, group: group)
                staged.append((index, staging))
                try faults?.reach(.tempWritten, staging)
            }
            if durable, !staged.isEmpty {
                try SystemCalls.syncFilesystem(path(.tmp))
                try faults?.reach(.synced, path(.tmp))
            }
        } catch {
            for (_, staging) in staged { try? SystemCalls.unlink(staging) }
            throw error
        }
        var touched: Set<Folder> = []
        for (position, (index, staging)) in staged.enumerated() {
            let file = batch[index]
            do throws(SystemError) {
                try SystemCalls.rename(staging, path(file.folder, file.name))
                touched.insert(file.folder)
                try faults?.reach(.renamed, path(file.folder, file.name))
            } catch {
                // This file and the rest stay unwritten; the renamed ones are made to stick.
                for (_, rest) in staged[position...] { try? SystemCalls.unlink(rest) }
                for folder in touched { try? syncDirectory(folder) }
                throw error
            }
            locations[index] = Location(folder: file.folder, name: file.name)
        }
        for folder in touched { try syncDirectory(folder) }
        return locations.compactMap { $0 }
    }

    /// Creates a staging file with the spool's mode and group. Only the writer uses `tmp/`, so
    /// a file already there is a leftover of a failed write and is replaced.
    private func stage(_ bytes: [UInt8], at staging: String, owner: uid_t, group: gid_t?) throws(SystemError) {
        do {
            try SystemCalls.createDurably(
                staging, bytes, mode: Self.fileMode, owner: owner, group: group, exclusive: true, sync: false)
        } catch  where error.kind == .alreadyExists {
            try SystemCalls.unlink(staging)
            try SystemCalls.createDurably(
                staging, bytes, mode: Self.fileMode, owner: owner, group: group, exclusive: true, sync: false)
        }
    }

    /// Moves a job file between folders with one rename.
    /// - Returns: false when the file was not in `from` any more (someone else moved it).
    @discardableResult
    public func move(_ name: String, from: Folder, to: Folder) throws(SystemError) -> Bool {
        do {
            try SystemCalls.rename(path(from, name), path(to, name))
        } catch  where error.kind == .notFound {
            return false
        }
        try syncDirectory(to)
        return true
    }

    /// Deletes a job file from `folder`: only a throwaway spool (`simulate`) has a use for this.
    /// - Returns: false when the file was not there.
    @discardableResult
    public func remove(_ name: String, from folder: Folder) throws(SystemError) -> Bool {
        do {
            try SystemCalls.unlink(path(folder, name))
            return true
        } catch  where error.kind == .notFound {
            return false
        }
    }

    /// The bytes still free for the spool's writer on its file system: a spool that fills its
    /// disk stops the daemon's ticks, so the metrics carry it for an alert well before that.
    public func availableBytes() throws(SystemError) -> UInt64 { try SystemCalls.availableBytes(root) }

    /// The job file names in `folder`, in send order (their names sort by `not_before`).
    /// Outcome files (`NAME.result.json`) and hidden staging files are not listed.
    public func list(_ folder: Folder) throws(SystemError) -> [String] {
        try SystemCalls.listDirectory(path(folder))
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".result.json") && !$0.hasPrefix(".") }
            .sorted()
    }

    // MARK: - The delivery tool's side

    /// Claims the oldest ready job (its `not_before` has come), optionally of one channel, by
    /// renaming it from `new/` into `cur/`. Any number of processes may race: a rename that
    /// finds the file gone lost the race, and the next job is tried.
    /// - Returns: the claimed job, or nil when none is ready.
    public func claim(channel: Channel? = nil, at now: Date) throws(SystemError) -> Location? {
        for (name, _) in try ready(channel: channel, at: now) where try move(name, from: .new, to: .cur) {
            return Location(folder: .cur, name: name)
        }
        return nil
    }

    /// The jobs in `new/` whose `not_before` has come, optionally of one channel, oldest first:
    /// what a delivery tool may claim.
    public func ready(channel: Channel?, at now: Date) throws(SystemError) -> [(name: String, file: JobFileName)] {
        var ready: [(name: String, file: JobFileName)] = []
        for name in try list(.new) {
            guard let file = JobFileName(name) else { continue }
            if file.notBefore > now { break }  // names sort by not_before: the rest are later still
            if channel == nil || file.channel == channel { ready.append((name, file)) }
        }
        return ready
    }

    /// Records a claimed job's outcome: writes `NAME.result.json` into `done/` or `failed/`
    /// (staged under a hidden name, then renamed), then renames the job from `cur/` beside it.
    /// - Returns: where the job now is.
    @discardableResult
    public func acknowledge(_ name: String, outcome: Outcome) throws(SystemError) -> Location {
        guard Self.isJobFileName(name) else { throw SystemError(call: "ack", path: name, errno: EINVAL) }
        guard try SystemCalls.lstat(path(.cur, name)) != nil else {
            throw SystemError(call: "ack", path: path(.cur, name), errno: ENOENT)
        }
        let target: Folder = outcome.delivered ? .done : .failed
        let bytes: [UInt8]
        do { bytes = Array(try outcome.encoded()) } catch {
            throw SystemError(call: "encode", path: name, errno: EINVAL)
        }
        try place(bytes, named: String(name.dropLast(5) + ".result.json"), in: target)
        try SystemCalls.rename(path(.cur, name), path(target, name))
        try syncDirectory(target)
        return Location(folder: target, name: name)
    }

    /// Writes a file durably into a folder delivery tools may write (`cur/`, `done/`,
    /// `failed/`), staged there under a hidden name that `list` never shows, then renamed: a
    /// tool in the spool's group cannot write `tmp/`.
    func place(_ bytes: [UInt8], named name: String, in target: Folder) throws(SystemError) {
        let staging = path(target, "." + name + ".tmp")
        // Even when run as root, the file belongs to whoever owns the folder, so the daemon can
        // always read and prune it; a tool in the group gives it the folder's group.
        let folder = try SystemCalls.lstat(path(target))
        let (owner, _) = try ownership()
        try SystemCalls.createDurably(
            staging, bytes, mode: Self.fileMode, owner: owner, group: folder?.st_gid, exclusive: false, sync: durable)
        do {
            try SystemCalls.rename(staging, path(target, name))
        } catch {
            try? SystemCalls.unlink(staging)
            throw error
        }
    }

    /// Whether a job file named `name` is in `folder`.
    func contains(_ name: String, in folder: Folder) throws(SystemError) -> Bool {
        try SystemCalls.lstat(path(folder, name)) != nil
    }

    /// The outcome a delivery tool wrote beside a job in `done/` or `failed/`, if any.
    public func outcome(of location: Location) -> Outcome? {
        let result = String(location.name.dropLast(5)) + ".result.json"
        guard let bytes = try? SystemCalls.readFile(path(location.folder, result), limit: 65_536) else { return nil }
        return try? JSONDecoder().decode(Outcome.self, from: Data(bytes))
    }

    /// When a job file last changed folder: a rename sets its inode's change time, so for a
    /// job in `cur/` this is when it was claimed.
    public func movedAt(_ location: Location) throws(SystemError) -> Date? {
        guard let info = try SystemCalls.lstat(path(location.folder, location.name)) else { return nil }
        return Date(timeIntervalSince1970: Double(info.st_ctim.tv_sec) + Double(info.st_ctim.tv_nsec) / 1e9)
    }

    /// Deletes job files (and their outcome files) that reached `folder` before `cutoff`.
    /// - Returns: how many jobs were pruned.
    public func prune(_ folder: Folder, movedBefore cutoff: Date) throws(SystemError) -> Int {
        var pruned = 0
        for name in try list(folder) {
            guard let moved = try movedAt(Location(folder: folder, name: name)), moved < cutoff else { continue }
            try? SystemCalls.unlink(path(folder, String(name.dropLast(5)) + ".result.json"))
            try SystemCalls.unlink(path(folder, name))
            pruned += 1
        }
        return pruned
    }

    /// The `not_before` encoded at the start of a job file name.
    public static func notBefore(ofFileName name: String) -> Date? {
        JobFileName(name)?.notBefore
    }

    /// Reads and decodes a job file.
    public func read(_ location: Location) throws -> Job {
        try Job.decode(Data(try SystemCalls.readFile(path(location.folder, location.name))))
    }

    /// Whether `name` is `<YYYYMMDDTHHMMSSZ>_<channel>_<job id>.json` with a valid job id:
    /// the only names the spool ever creates, so no id can smuggle a path into it.
    public static func isJobFileName(_ name: String) -> Bool { JobFileName(name) != nil }

    /// Finds a job by id in any job folder.
    public func find(id: JobID) throws(SystemError) -> Location? {
        for folder in Folder.jobFolders {
            if let name = try list(folder).first(where: { JobFileName($0)?.id == id }) {
                return Location(folder: folder, name: name)
            }
        }
        return nil
    }
}
