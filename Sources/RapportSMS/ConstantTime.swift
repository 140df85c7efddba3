/// Comparison of secrets that takes as long however early they differ: a caller guessing a
/// secret or a signature learns nothing from the listener's timing.
enum ConstantTime {
    static func equal(_ given: String, _ expected: String) -> Bool {
        let (a, b) = (Array(given.utf8), Array(expected.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
