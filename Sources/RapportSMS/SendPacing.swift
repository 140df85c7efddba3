/// `[sms] rate_per_second` as slots: each text takes the next free slot, one spacing after the
/// last one taken, or now when that has passed. A value, so its arithmetic is a unit test and
/// the sender only sleeps for what it says.
struct SendPacing: Sendable {
    let spacing: Duration
    private var nextSlot: ContinuousClock.Instant?

    init(ratePerSecond: Double) {
        spacing = .seconds(1 / ratePerSecond)
    }

    /// How long to wait at `now` before the next text; that slot is then taken.
    mutating func wait(at now: ContinuousClock.Instant) -> Duration {
        let slot = max(now, nextSlot ?? now)
        nextSlot = slot + spacing
        return slot - now
    }
}
