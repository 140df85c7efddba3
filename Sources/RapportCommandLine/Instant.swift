import ArgumentParser
import Foundation
import RapportCore

/// Instants given on the command line in RFC 3339 (`--from 2026-11-01T00:00:00Z`), parsed
/// where the option is read: a bad one is a usage error (64) naming the option and the form.
public enum Instant {
    /// The `transform` of an instant option.
    public static func parse(_ text: String) throws -> Date {
        guard let date = Timestamp.parse(text) else {
            throw ValidationError("not an RFC 3339 time like 2026-11-01T00:00:00Z")
        }
        return date
    }
}
