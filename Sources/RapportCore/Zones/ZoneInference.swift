/// Where a debtor may be when no zone was given (R3): the zones of their region and of the
/// area code of each of their NANP phone numbers. All of them are candidates, and R2
/// intersects their windows — a Dallas number with an El Paso address is only called when it
/// is a decent hour in both Chicago and Denver.
public enum ZoneInference {
    /// The candidate zones and, for the trace, where each came from; empty when nothing is known.
    public static func candidates(for agreement: Agreement) -> (zones: [String], sources: [String]) {
        var zones: [String] = []
        var sources: [String] = []
        func add(_ found: [String], from source: String) {
            guard !found.isEmpty else { return }
            sources.append("\(source) (\(found.joined(separator: ", ")))")
            for zone in found where !zones.contains(zone) { zones.append(zone) }
        }
        if let region = agreement.region { add(RegionZones.zones[region] ?? [], from: "region \(region)") }
        for channel in [Channel.sms, .voice] {
            guard let number = agreement.contacts[channel], number.hasPrefix("+1"), number.count == 12 else { continue }
            let code = String(number.dropFirst(2).prefix(3))
            if !sources.contains(where: { $0.hasPrefix("area code \(code) ") }) {
                add(NANPAreaCodes.zones[code] ?? [], from: "area code \(code)")
            }
        }
        return (zones, sources)
    }
}
