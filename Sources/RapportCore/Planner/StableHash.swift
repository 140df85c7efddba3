/// FNV-1a, 128-bit: a stable hash for deterministic job ids and per-debtor offsets.
///
/// Swift's `Hasher` is seeded per process, so it cannot name a job the same way after a
/// restart; this one gives the same value on every run and machine.
public enum StableHash {
    private static let offsetBasis: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
    private static let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B

    /// The 128-bit FNV-1a hash of `text`'s UTF-8 bytes.
    public static func fnv1a128(_ text: String) -> UInt128 {
        var hash = offsetBasis
        for byte in text.utf8 {
            hash ^= UInt128(byte)
            hash = hash &* prime
        }
        return hash
    }

    /// The hash as 32 lowercase hex digits.
    public static func hex(_ text: String) -> String {
        let digits = String(fnv1a128(text), radix: 16)
        return String(repeating: "0", count: 32 - digits.count) + digits
    }
}
