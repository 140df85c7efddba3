import Foundation
import Testing

@testable import RapportCore

@Suite("The rulebook in the source tree")
struct RuleTests {
    /// `Sources/`, found from this file's place in the checkout.
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    @Test("R1-R40: every rule of the rulebook has a case, in order, and a home file whose code names it")
    func everyRuleHasAHome() throws {
        #expect(Rule.allCases.map(\.rawValue) == (1...40).map { "R\($0)" })
        for rule in Rule.allCases {
            let path = Self.sources.appendingPathComponent(rule.home).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(
                try Self.codeNames(rule, in: text), "\(rule): \(rule.home) does not name it outside its doc comments")
        }
    }

    /// Whether `text`, its doc comments left out, names `rule`: its id as a word (in a reason,
    /// a trace line or a comment on the deciding line) or its case (`.pause`, `Rule.pause`).
    static func codeNames(_ rule: Rule, in text: String) throws -> Bool {
        let code = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("///") }
        let names = [rule.rawValue, "." + (try caseName(of: rule))]
        return code.contains { line in
            names.contains { name in
                line.ranges(of: name).contains { range in
                    let after = line[range.upperBound...].first
                    return after.map { !$0.isLetter && !$0.isNumber } ?? true
                }
            }
        }
    }

    /// The case's name in `Rule.swift` (`hours` for R1).
    static func caseName(of rule: Rule) throws -> String {
        let source = try String(
            contentsOfFile: sources.appendingPathComponent("RapportCore/Planner/Rule.swift").path, encoding: .utf8)
        let line = try #require(source.split(separator: "\n").first { $0.hasSuffix(" = \"\(rule.rawValue)\"") })
        return String(line.trimmingCharacters(in: .whitespaces).dropFirst("case ".count).prefix { $0 != " " })
    }

    @Test("The planner's rules are decided in the pure core: Planner/ stages, and Time/ for the windows")
    func plannerRulesLiveInThePlanner() {
        let planner: [Rule] = [
            .hours, .location, .zoneInference, .pacing, .jurisdiction, .backoff, .noBurst, .cease, .attorney,
            .dispute, .protection, .optOut, .pause, .withdrawal, .voiceScript, .remindBefore, .checkInAfterMiss,
            .keepInTheLoop, .promises, .grouping, .catchUp, .optOutWords, .help,
        ]
        for rule in planner {
            #expect(
                rule.home.hasPrefix("RapportCore/Planner/") || rule.home == "RapportCore/Time/ContactWindows.swift",
                "\(rule)")
        }
    }

    @Test("R8: the trace is off unless explaining; the decision is the same either way")
    func traceIsLazy() async throws {
        let history = [Fixture.sent(.preDue, at: "2026-12-07T16:00:00Z")]
        let agreement = Fixture.agreement(installments: [("2026-12-09", "50.00")])
        let now = Fixture.instant("2026-12-08T15:00:00Z")
        let state = AgreementState(agreement: agreement, events: [], now: now)
        let quiet = Fixture.planner.plan(state, history: history, now: now)
        let explained = Fixture.planner.plan(state, history: history, now: now, explaining: true)
        #expect(!quiet.trace.isRecording)
        #expect(quiet.trace.steps.isEmpty)
        #expect(explained.trace.lines.contains { $0.contains("R8: less than 48 h") })
        #expect(quiet.summary == explained.summary)
        #expect(quiet.outcome == explained.outcome)
    }

    @Test("R8 R26: planDebtor sends, plans again with the send in the history, and ends on a wait")
    func planDebtor() async throws {
        let agreement = Fixture.agreement(installments: [("2026-12-10", "50.00"), ("2027-01-10", "50.00")])
        let now = Fixture.instant("2026-12-07T15:00:00Z")
        let plan = Fixture.planner.planDebtor(Portfolio(agreements: [agreement], events: [], history: []), now: now)
        let decisions = plan.steps.map(\.decision)
        let sent = decisions.compactMap(Fixture.contact)
        #expect(sent.map(\.kind) == [.preDue])
        #expect(plan.history.map(\.jobID) == sent.map(\.jobID))
        #expect(plan.history.first?.state == .planned)
        #expect(plan.nextAction[agreement.id] == .some(decisions.last?.nextReview))
        guard case .wait = decisions.last?.outcome else {
            Issue.record("expected a wait last, got \(decisions.last?.summary ?? "nothing")")
            return
        }
        #expect(decisions.first?.nextReview == now.addingTimeInterval(1))
    }

    @Test("R1 R8 R9: a policy built looser than the rulebook is planned with the rulebook's bounds")
    func policyWithinRulebook() {
        var loose = Policy.standard
        loose.windowStart = LocalTime("06:00")!
        loose.windowEnd = LocalTime("23:00")!
        loose.maxPerDay = 3
        loose.minGapHours = 2
        loose.maxPerWeek = 9
        loose.jurisdictions["US-MA"] = JurisdictionLimits(name: "US-MA", maxCallsAndTextsPerWeek: 7)
        loose.jurisdictions["US-WA"] = JurisdictionLimits(name: "US-WA")
        let planned = Planner(policy: loose).policy
        #expect(planned.windowStart == HardLimits.earliest && planned.windowEnd == HardLimits.latest)
        #expect(planned.maxPerDay == 1 && planned.minGapHours == 48 && planned.maxPerWeek == 3)
        #expect(planned.jurisdictions["US-MA"]?.maxCallsAndTextsPerWeek == 2)
        #expect(planned.jurisdictions["US-WA"]?.maxContactsPerWeek == 3)

        var strict = Policy.standard
        strict.windowStart = LocalTime("10:00")!
        strict.minGapHours = 72
        strict.maxPerWeek = 2
        strict.jurisdictions["US-MA"] = JurisdictionLimits(name: "US-MA", maxCallsAndTextsPerWeek: 1)
        #expect(Planner(policy: strict).policy == strict)
        #expect(Planner(policy: .standard).policy == .standard)
    }
}
