/// R1 R8 R9: the bounds a policy can only make stricter, held by the core whoever builds the
/// policy — the configuration loader (which also refuses a looser value with a clear line), the
/// demo, `simulate`, a test. The planner plans with `withinRulebook` of whatever it is given.
extension Policy {
    /// The rulebook's default pacing (R8), the loosest any policy may be.
    public static let loosestPacing = (maxPerDay: 1, minGapHours: 48, maxPerWeek: 3)

    /// This policy with every looser value replaced by the rulebook's bound: the window inside
    /// R1's 08:00–21:00, pacing no looser than R8's, the shipped jurisdictions no looser than R9's.
    public var withinRulebook: Policy {
        var policy = self
        policy.windowStart = max(windowStart, HardLimits.earliest)
        policy.windowEnd = min(windowEnd, HardLimits.latest)
        policy.maxPerDay = min(maxPerDay, Self.loosestPacing.maxPerDay)
        policy.minGapHours = max(minGapHours, Self.loosestPacing.minGapHours)
        policy.maxPerWeek = min(maxPerWeek, Self.loosestPacing.maxPerWeek)
        for (name, shipped) in JurisdictionLimits.shipped {
            let configured = jurisdictions[name] ?? shipped
            policy.jurisdictions[name] = JurisdictionLimits(
                name: name,
                maxContactsPerWeek: Self.stricter(configured.maxContactsPerWeek, shipped.maxContactsPerWeek),
                maxCallsAndTextsPerWeek: Self.stricter(
                    configured.maxCallsAndTextsPerWeek, shipped.maxCallsAndTextsPerWeek))
        }
        return policy
    }

    /// The smaller of two caps, where nil means no cap.
    private static func stricter(_ one: Int?, _ other: Int?) -> Int? {
        guard let one else { return other }
        guard let other else { return one }
        return min(one, other)
    }
}
