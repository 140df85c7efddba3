/// An operator's change to how one agreement is contacted (`rapportctl adjust`).
///
/// Kept apart from the imported agreement, so the next import from the lender's system does
/// not undo it; several adjustments fold in order, a later value replacing an earlier one.
public struct Adjustment: Sendable, Equatable, Codable {
    /// The cadence profile (`[cadences.NAME]` in the config; `standard` is the default).
    public var cadence: String?
    public var preferredChannel: Channel?
    /// The local time the debtor prefers to hear from us (R11 spreads around it).
    public var preferredTime: LocalTime?
    /// Times, days and channels the debtor asked us to avoid (R5); replaces the imported ones.
    public var inconvenient: Inconvenience?
    /// A longer minimum gap between contacts than the policy's, for this agreement.
    public var minGapHours: Int?
    /// Drops every earlier adjustment first (`adjust --clear`, or a new debtor on re-import):
    /// the agreement is contacted as imported, plus what this one sets.
    public var clearsEarlier: Bool?

    public init(
        cadence: String? = nil, preferredChannel: Channel? = nil, preferredTime: LocalTime? = nil,
        inconvenient: Inconvenience? = nil, minGapHours: Int? = nil, clearsEarlier: Bool? = nil
    ) {
        self.cadence = cadence
        self.preferredChannel = preferredChannel
        self.preferredTime = preferredTime
        self.inconvenient = inconvenient
        self.minGapHours = minGapHours
        self.clearsEarlier = clearsEarlier
    }

    /// `self` with every value `later` sets; only `later` when it clears what came before.
    public func merging(_ later: Adjustment) -> Adjustment {
        if later.clearsEarlier == true { return later }
        return Adjustment(
            cadence: later.cadence ?? cadence, preferredChannel: later.preferredChannel ?? preferredChannel,
            preferredTime: later.preferredTime ?? preferredTime, inconvenient: later.inconvenient ?? inconvenient,
            minGapHours: later.minGapHours ?? minGapHours)
    }

    /// What it changes, in words, for the records.
    public var summary: String {
        var parts: [String] = []
        if let cadence { parts.append("cadence \(cadence)") }
        if let preferredChannel { parts.append("channel \(preferredChannel.rawValue)") }
        if let preferredTime { parts.append("preferred time \(preferredTime)") }
        if let inconvenient {
            var limits: [String] = []
            if let before = inconvenient.before { limits.append("not before \(before)") }
            if let after = inconvenient.after { limits.append("not after \(after)") }
            if !inconvenient.days.isEmpty {
                limits.append("never on \(inconvenient.days.map(\.rawValue).joined(separator: ","))")
            }
            if !inconvenient.channels.isEmpty {
                limits.append("no \(inconvenient.channels.map(\.rawValue).joined(separator: ","))")
            }
            parts.append("designated times: " + (limits.isEmpty ? "none" : limits.joined(separator: ", ")))
        }
        if let minGapHours { parts.append("minimum gap \(minGapHours) h") }
        if clearsEarlier == true { parts.insert("earlier adjustments cleared", at: 0) }
        return parts.joined(separator: "; ")
    }

    enum CodingKeys: String, CodingKey {
        case cadence
        case preferredChannel = "preferred_channel"
        case preferredTime = "preferred_time"
        case inconvenient
        case minGapHours = "min_gap_hours"
        case clearsEarlier = "clears_earlier"
    }
}

/// The cadence numbers a named profile sets (`[cadences.NAME]`); what it leaves out stays as
/// the policy says.
public struct CadenceProfile: Sendable, Equatable {
    public var preDueDays: Int?
    public var missedGraceDays: Int?
    public var followUpDays: Int?
    public var backoffFactor: Double?
    public var maxFollowUpGapDays: Int?

    public init(
        preDueDays: Int? = nil, missedGraceDays: Int? = nil, followUpDays: Int? = nil, backoffFactor: Double? = nil,
        maxFollowUpGapDays: Int? = nil
    ) {
        self.preDueDays = preDueDays
        self.missedGraceDays = missedGraceDays
        self.followUpDays = followUpDays
        self.backoffFactor = backoffFactor
        self.maxFollowUpGapDays = maxFollowUpGapDays
    }
}
