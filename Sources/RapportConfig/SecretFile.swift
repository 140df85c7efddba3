import Foundation

/// A secret a program needs — the database password, the SMS provider's password or token, the
/// callbacks' shared secret — read once at start from the file a config key names, else from
/// the systemd credential of that name (`LoadCredential=`), and passed only to what uses it:
/// a file, not a value, so secrets stay out of the config, the logs and `ps`.
public enum SecretFile {
    /// Why a secret could not be had; the caller says which secret, and what it costs.
    public enum Problem: Error, Equatable {
        case unreadable(path: String)
        case empty(path: String)
    }

    /// - Returns: the secret without its line break, or nil when neither the file nor the
    ///   credential is given.
    public static func read(_ path: String?, credential: String, environment: [String: String]) throws(Problem)
        -> String?
    {
        let file: String
        if let path {
            file = path
        } else if let folder = environment["CREDENTIALS_DIRECTORY"], !folder.isEmpty,
            FileManager.default.fileExists(atPath: "\(folder)/\(credential)")
        {
            file = "\(folder)/\(credential)"
        } else {
            return nil
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw .unreadable(path: file) }
        let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        guard !secret.isEmpty else { throw .empty(path: file) }
        return secret
    }
}
