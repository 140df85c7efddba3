extension Array {
    /// The array in consecutive slices of at most `size` elements: how long lists are cut for
    /// SQLite's bound parameters and for work done a chunk at a time.
    public func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
