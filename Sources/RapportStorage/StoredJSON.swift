import Foundation
import RapportCore

/// The JSON every store keeps inside its rows: sorted keys, so equal values give equal text
/// and a re-import can be recognised as unchanged, whichever store holds it.
public enum StoredJSON {
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// A stored agreement (its `canonicalJSON`), read with the import's own parser: what is
    /// stored can only be what an import line could have said, and reading it costs a tenth of
    /// `JSONDecoder`'s trial decoding — a tick reads every due agreement.
    public static func agreement(from text: String, row id: String) throws(StoreError) -> Agreement {
        do {
            return try AgreementImport.parse(line: text)
        } catch {
            throw .unreadable("agreement", id, error.message)
        }
    }

    /// A stored JSON array of strings (a job's agreements, the touchpoints it covers), read
    /// without `JSONDecoder`: a tick reads one for every job in a debtor's history.
    public static func strings(in text: String) -> [String]? {
        guard case .array(let values) = try? JSONValue.parse(line: text) else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(values.count)
        for value in values {
            guard case .string(let string) = value else { return nil }
            strings.append(string)
        }
        return strings
    }

    /// A stored list of agreement ids; nil when any is not an identifier.
    public static func identifiers(in text: String) -> [Identifier]? {
        guard let strings = strings(in: text) else { return nil }
        let ids = strings.compactMap(Identifier.init)
        return ids.count == strings.count ? ids : nil
    }
}
