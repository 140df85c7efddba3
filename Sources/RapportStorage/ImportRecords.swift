import Foundation
import RapportCore

/// An agreement ready to store: validated, and written in its stored form (`canonicalJSON`).
/// The importer makes these on every core; only the SQLite writes are left for the session.
///
/// A class, so that handing one along (validated, checked against the file, accepted, written)
/// costs the import's one writer a single reference count rather than one per string and array
/// of the agreement: those copies were a tenth of the writer's time.
public final class ImportedAgreement: Sendable {
    /// The validated agreement.
    public let agreement: Agreement
    /// The stored form.
    public let data: String
    /// Its rows of the address index (R34): each contact that is an address (not a letter's),
    /// normalised. Worked out on every core, leaving only the inserts to the store's writer.
    public let addresses: [(channel: Channel, address: String)]

    /// Writes `agreement`'s stored form and address rows: the part of storing it that needs no
    /// database.
    public init(_ agreement: Agreement) {
        self.agreement = agreement
        self.data = agreement.canonicalJSON
        self.addresses = agreement.contacts.compactMap { channel, text in
            Address.normalised(text, channel: channel).map { (channel, $0) }
        }
    }
}

/// What the store holds of an agreement before an import touches it.
public struct StoredVersion: Sendable {
    /// The debtor it belongs to now.
    public let debtor: Identifier?
    public let data: String
    public let version: Int
    /// When this version was imported (unix seconds).
    public let importedAt: Double

    public init(debtor: Identifier?, data: String, version: Int, importedAt: Double) {
        self.debtor = debtor
        self.data = data
        self.version = version
        self.importedAt = importedAt
    }
}
