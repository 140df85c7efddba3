/// A rule of the contact rulebook (`shared/spec/rulebook.md`), by its id.
///
/// Rules are values, not strings, so a stop, a blocked decision or a trace step names one that
/// exists, and `home` says where a newcomer finds it: the file that decides it.
public enum Rule: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case hours = "R1"
    case location = "R2"
    case zoneInference = "R3"
    case policyWindow = "R4"
    case debtorTimes = "R5"
    case daylightSaving = "R6"
    case callsPerDebt = "R7"
    case pacing = "R8"
    case jurisdiction = "R9"
    case backoff = "R10"
    case noBurst = "R11"
    case cease = "R12"
    case attorney = "R13"
    case dispute = "R14"
    case protection = "R15"
    case optOut = "R16"
    case pause = "R17"
    case withdrawal = "R18"
    case optOutInstruction = "R19"
    case plainWords = "R20"
    case tone = "R21"
    case disclosure = "R22"
    case voiceScript = "R23"
    case remindBefore = "R24"
    case checkInAfterMiss = "R25"
    case keepInTheLoop = "R26"
    case promises = "R27"
    case grouping = "R28"
    case catchUp = "R29"
    case records = "R30"
    case optOutWords = "R31"
    case help = "R32"
    case optBackIn = "R33"
    case conversation = "R34"
    case bounces = "R35"
    case smsLength = "R36"
    case trueOnTheDay = "R37"
    case discreetPreview = "R38"
    case whatToAct = "R39"
    case acknowledge = "R40"

    /// The rulebook id, e.g. `R12`: what a rule reads as in every reason and trace line.
    public var description: String { rawValue }

    /// The source file, relative to `Sources/`, that decides the rule: the one whose code names
    /// it where the decision is made (a typed `Rule`, or the id in the reason it gives), which
    /// `RuleTests` checks. Rules about what the planner chooses live under `RapportCore/`, one
    /// stage a file; rules about wording, reading replies and records live with the module that
    /// applies them.
    public var home: String {
        switch self {
        case .hours, .policyWindow, .debtorTimes, .daylightSaving: "RapportCore/Time/ContactWindows.swift"
        case .location, .zoneInference: "RapportCore/Planner/Slotting/Zones.swift"
        case .noBurst: "RapportCore/Planner/Slotting/Slotting.swift"
        case .callsPerDebt: "RapportCore/Planner/Channels/ChannelChoice.swift"
        case .pacing, .jurisdiction: "RapportCore/Planner/Slotting/Pacing.swift"
        case .backoff, .checkInAfterMiss: "RapportCore/Planner/Touchpoints/Arrears.swift"
        case .cease: "RapportCore/Planner/Stops/Stops.swift"
        case .attorney, .dispute, .protection, .pause: "RapportCore/Planner/State/AgreementState.swift"
        case .optOut, .bounces: "RapportCore/Planner/Channels/ChannelChoice.swift"
        case .withdrawal: "RapportCore/Planner/Stops/Withdrawals.swift"
        case .optOutInstruction, .tone, .disclosure: "RapportMessages/MessageRenderer.swift"
        case .plainWords: "RapportCore/Planner/Statement.swift"
        case .voiceScript: "RapportCore/Planner/Channels/VoiceScript.swift"
        case .remindBefore: "RapportCore/Planner/Touchpoints/DueReminders.swift"
        case .keepInTheLoop: "RapportCore/Planner/Touchpoints/KeepingInTheLoop.swift"
        case .promises: "RapportCore/Planner/Touchpoints/Promises.swift"
        case .grouping: "RapportCore/Planner/Grouping.swift"
        case .catchUp: "RapportCore/Planner/Slotting/CatchUp.swift"
        case .records: "RapportEngine/Engine+Outcomes.swift"
        case .optOutWords, .help: "RapportCore/Planner/Answers/Answers.swift"
        case .optBackIn, .conversation: "RapportCore/Listening/ReplyEffects.swift"
        case .smsLength: "RapportMessages/SMSBudget.swift"
        case .trueOnTheDay: "RapportCore/Planner/Facts.swift"
        case .discreetPreview, .whatToAct: "RapportMessages/MessageChecks.swift"
        case .acknowledge: "RapportCore/Planner/Answers/Answers.swift"
        }
    }
}
