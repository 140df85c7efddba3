import Foundation

/// A secret `rapport-sms` needs (the provider's password or token, the callbacks' shared
/// secret), read once at start from its file — `[sms] password_file` or `secret_file`, else
/// the systemd credential of that name (`LoadCredential=`) — and never logged or printed.
public enum SecretFile {
    public struct Unreadable: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Returns: the secret, or nil when neither the file nor the credential is given.
    public static func read(_ path: String?, credential: String, environment: [String: String]) throws(Unreadable)
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
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Unreadable(description: "cannot read \(file): check that it exists and that rapport-sms may read it")
        }
        let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw Unreadable(description: "\(file) is empty: write the secret into it") }
        return secret
    }
}
