import Foundation
import Logging
import RapportConfig
import RapportCore
import RapportSpool
import RapportStorage

/// A store's claims handed to the spool's `DeliveryClaims`, which cannot see the store.
struct StoreLedger: JobLedger {
    let claims: any JobClaims

    func claim(_ id: JobID, by claimant: String) async throws -> Data? {
        try await claims.claim(id, by: claimant)
    }

    func acknowledge(_ id: JobID, delivered: Bool, detail: String) async throws -> Bool {
        try await claims.acknowledge(id, delivered: delivered, detail: detail)
    }

    func release(_ id: JobID, detail: String) async throws -> Bool {
        try await claims.move(id, to: .spooled, from: [.claimed], detail: detail, replan: false, at: Date()) == .spooled
    }
}

extension StorageOptions {
    /// What delivery tools claim and acknowledge through: the spool alone on one host; on a
    /// cluster (`[cluster]` in the config) the spool and the records, where claims are decided.
    public func deliveryClaims(logger: Logger) async throws(Failure) -> DeliveryClaims {
        let (spool, settings) = try spoolOnly()
        return try await Self.deliveryClaims(spool: spool, settings: settings, logger: logger)
    }

    /// `deliveryClaims(logger:)` for a program that read its settings itself.
    public static func deliveryClaims(spool: Spool, settings: Settings?, logger: Logger) async throws(Failure)
        -> DeliveryClaims
    {
        guard let settings, settings.cluster != nil else { return DeliveryClaims(spool: spool, ledger: nil) }
        let store = try await openStore(settings: settings, logger: logger, creating: false)
        guard let claims = store as? any JobClaims else {
            throw Failure(
                .config, "\(settings.sourcePath ?? "config"): [cluster] needs a PostgreSQL [storage] database")
        }
        return DeliveryClaims(spool: spool, ledger: StoreLedger(claims: claims))
    }
}
