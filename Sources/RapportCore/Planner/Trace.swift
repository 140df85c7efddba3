/// The planner's reasoning for one decision, step by step — recorded only when someone will
/// read it.
///
/// The tick plans hundreds of thousands of agreements and reads none of their reasoning, so
/// there the trace is off and a step costs one branch: its text is an autoclosure that is
/// never called. `explain` turns it on. What a job must carry (its `reason`) is built from the
/// chosen touchpoint alone, never from the trace.
public struct Trace: Sendable {
    /// One step: the rule that acted, when one did, and what happened.
    public struct Step: Sendable, Equatable {
        public var rule: Rule?
        public var text: String
    }

    /// Whether steps are kept; when false, `note` does nothing.
    public let isRecording: Bool
    /// The steps, in the order the planner took them.
    public private(set) var steps: [Step] = []

    /// A trace that keeps nothing: what the tick and the simulation use.
    public static let off = Trace(recording: false)
    /// A trace that keeps every step: what `explain` uses.
    public static var recording: Trace { Trace(recording: true) }

    private init(recording: Bool) { isRecording = recording }

    /// Each step's text, for printing.
    public var lines: [String] { steps.map(\.text) }

    /// Adds a step; `text` is only formed when the trace is recording.
    public mutating func note(_ rule: Rule? = nil, _ text: @autoclosure () -> String) {
        guard isRecording else { return }
        steps.append(Step(rule: rule, text: text()))
    }

    /// Puts a step before all others (the cadence a specialised plan ran under).
    mutating func prepend(_ text: @autoclosure () -> String) {
        guard isRecording else { return }
        steps.insert(Step(rule: nil, text: text()), at: 0)
    }
}
