import Foundation

/// R16 R35 R7 R5 — which channels may carry the next contact, best first: the debtor's
/// preferred channel, then the policy's order; never an opted-out channel (R16), never SMS
/// without consent (R16), never an address that bounced permanently (R35), never a channel
/// the debtor called inconvenient (R5), no call within 7 days of a conversation nor an eighth
/// attempt in 7 days (R7), and never a channel whose last `failuresBeforeUnusable` deliveries
/// failed (a dead number).
extension Planner {
    /// The channels usable now, with notes on those that are not.
    struct UsableChannels {
        var usable: [Channel]
        var notes: [String]
    }

    /// The usable channels for the next contact: a channel whose last delivery failed yields to
    /// the next usable one when there is one. Nil when none is usable.
    func channelChoice(for state: AgreementState, history: [ContactRecord], clock: ZoneClock, now: Date)
        -> UsableChannels?
    {
        var channels = usableChannels(for: state, history: history, clock: clock, now: now)
        if policy.collector, channels.usable.contains(.sms),
            !history.contains(where: { $0.state.countsAsContact && $0.channel != .voice })
        {
            channels.usable.removeAll { $0 == .sms }
            channels.notes.append("R22: sms: a collector's first written message carries the full disclosure")
        }
        if let first = channels.usable.first, channels.usable.count > 1,
            history.filter({ $0.channel == first && ($0.state == .delivered || $0.state == .failed) })
                .max(by: { $0.notBefore < $1.notBefore })?.state == .failed
        {
            channels.usable.removeFirst()
            channels.usable.append(first)
            channels.notes.append("\(first.rawValue): the last delivery failed, trying \(channels.usable[0].rawValue)")
        }
        return channels.usable.isEmpty ? nil : channels
    }

    /// The preferred channel if usable, else the next usable one in the policy's order.
    func usableChannels(for state: AgreementState, history: [ContactRecord], clock: ZoneClock, now: Date)
        -> UsableChannels
    {
        let agreement = state.agreement
        var order: [Channel] = []
        for channel in [agreement.preferredChannel].compactMap({ $0 }) + policy.channelOrder
        where !order.contains(channel) {
            order.append(channel)
        }
        var channels = UsableChannels(usable: [], notes: [])
        for channel in order where agreement.contacts[channel] != nil {
            if let why = unusable(channel, state: state, history: history, clock: clock, now: now) {
                channels.notes.append(why)
            } else {
                channels.usable.append(channel)
            }
        }
        return channels
    }

    /// Why `channel` may not carry a contact at `now`, or nil when it may.
    private func unusable(
        _ channel: Channel, state: AgreementState, history: [ContactRecord], clock: ZoneClock, now: Date
    ) -> String? {
        let agreement = state.agreement
        if state.optedOut.contains(channel) { return "\(channel.rawValue): opted out (R16)" }
        if let bounce = state.bounce(on: channel) {
            return "\(channel.rawValue): the address bounced permanently on \(clock.localDate(of: bounce.at))"
                + " (\(bounce.reason ?? "5.x.x")); unusable until it changes (R35)"
        }
        if channel == .sms, !agreement.consent.sms { return "sms: no recorded consent (R16)" }
        if agreement.inconvenient?.channels.contains(channel) == true {
            return "\(channel.rawValue): inconvenient for the debtor (R5)"
        }
        if channel == .voice, let why = callLimit(state: state, history: history, clock: clock, now: now) { return why }
        if Self.keepsFailing(
            channel, address: agreement.contacts[channel], history: history, threshold: policy.failuresBeforeUnusable)
        {
            return "\(channel.rawValue): the last \(policy.failuresBeforeUnusable) deliveries failed;"
                + " unusable until the address changes"
        }
        return nil
    }

    /// The channels whose address on record is unusable until it changes: it bounced
    /// permanently (R35), or its last `failuresBeforeUnusable` deliveries failed. What the
    /// operator's report counts as addresses made unusable; the same tests as the planner's.
    public func unusableAddresses(of state: AgreementState, history: [ContactRecord]) -> [Channel] {
        Channel.allCases.filter { channel in
            guard let address = state.agreement.contacts[channel] else { return false }
            return state.bounce(on: channel) != nil
                || Self.keepsFailing(
                    channel, address: address, history: history, threshold: policy.failuresBeforeUnusable)
        }
    }

    /// R7: no call in the 7 days after a conversation, at most 7 attempts in 7 days.
    private func callLimit(state: AgreementState, history: [ContactRecord], clock: ZoneClock, now: Date) -> String? {
        let today = clock.localDate(of: now)
        if let talked = state.conversations.map({ clock.localDate(of: $0) }).filter({ $0.adding(days: 6) >= today })
            .max()
        {
            return "voice: a conversation on \(talked); no call through \(talked.adding(days: 6)) (R7)"
        }
        let weekAgo = now.addingTimeInterval(-7 * 86_400)
        // An unanswered call is an attempt too: it counts here though not against R8's pacing.
        let attempts = history.filter {
            $0.channel == .voice && ($0.state.countsAsContact || $0.state == .failed) && $0.notBefore > weekAgo
                && $0.notBefore <= now
        }
        return attempts.count >= 7 ? "voice: 7 call attempts in the last 7 days (R7)" : nil
    }

    /// Whether the last `threshold` finished deliveries to `address` on `channel` all failed.
    static func keepsFailing(_ channel: Channel, address: String?, history: [ContactRecord], threshold: Int) -> Bool {
        let finished = history.filter {
            $0.channel == channel && $0.recipient == address && ($0.state == .delivered || $0.state == .failed)
        }
        .sorted { $0.notBefore < $1.notBefore }
        return finished.count >= threshold && finished.suffix(threshold).allSatisfy { $0.state == .failed }
    }
}
