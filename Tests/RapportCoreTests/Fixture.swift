import Foundation
@testable import RapportCore

/// Hand-made agreements, instants and plans for the planner tests.
enum Fixture {
    static let planner = Planner(policy: .standard)

    /// The standard policy, spooling up to four days ahead, so a test sees the chosen time
    /// even across a weekend.
    static let longLookahead: Policy = {
        var policy = Policy.standard
        policy.lookaheadHours = 96
        return policy
    }()

    static func instant(_ text: String) -> Date {
        guard let date = Timestamp.parse(text) else { fatalError("bad instant \(text) in a test") }
        return date
    }

    static func date(_ text: String) -> LocalDate {
        guard let date = LocalDate(text) else { fatalError("bad date \(text) in a test") }
        return date
    }

    static func id(_ text: String) -> Identifier {
        guard let id = Identifier(text) else { fatalError("bad id \(text) in a test") }
        return id
    }

    static func agreement(
        _ id: String = "A-1", debtor: String? = nil, zone: String? = "America/Chicago", zones: [String]? = nil,
        contacts: [Channel: String] = [.sms: "+12145550100", .email: "sam@example.org"], smsConsent: Bool = true,
        preferred: Channel? = nil, inconvenient: Inconvenience? = nil, locale: String? = nil,
        installments: [(String, String)] = [("2026-12-10", "50.00")]
    ) -> Agreement {
        Agreement(
            id: Self.id(id),
            debtor: Debtor(
                id: Self.id(debtor ?? "D-\(id)"), name: "Samuel Rivera", preferredName: "Sam", locale: locale),
            timezone: zones == nil ? zone : nil, timezones: zones, contacts: contacts,
            consent: Consent(sms: smsConsent),
            preferredChannel: preferred, inconvenient: inconvenient,
            installments: installments.enumerated().map { index, item in
                Installment(id: Self.id(String(index + 1)), due: date(item.0), amount: Money(item.1)!)
            })
    }

    static func event(
        _ type: EventType, _ agreement: String = "A-1", at: String, amount: String? = nil, channel: Channel? = nil,
        until: String? = nil
    ) -> Event {
        Event(
            agreement: id(agreement), type: type, at: instant(at), amount: amount.flatMap(Money.init), channel: channel,
            until: until.map(date))
    }

    static func plan(
        _ agreement: Agreement, events: [Event] = [], history: [ContactRecord] = [], at now: String,
        policy: Policy = .standard
    ) -> Decision {
        let now = instant(now)
        return Planner(policy: policy).plan(
            AgreementState(agreement: agreement, events: events, now: now), history: history, now: now,
            explaining: true)
    }

    /// The contact a decision spools, or nil.
    static func contact(_ decision: Decision) -> PlannedContact? {
        if case .send(let contact) = decision.outcome { return contact }
        return nil
    }

    /// A history record for a contact that went out at `at`.
    static func sent(
        _ kind: ContactKind = .preDue, agreement: String = "A-1", at: String, touchpoint: String? = nil,
        state: JobState = .delivered, channel: Channel = .sms
    ) -> ContactRecord {
        let instant = instant(at)
        return ContactRecord(
            jobID: JobID("j-" + StableHash.hex(at + kind.rawValue + agreement))!,
            touchpoint: TouchpointKey(rawValue: touchpoint ?? "\(kind.rawValue):\(agreement):x:\(at)"),
            agreements: [id(agreement)], kind: kind, channel: channel, notBefore: instant,
            notAfter: instant.addingTimeInterval(3600), state: state,
            timezone: "America/Chicago", recipient: channel == .email ? "sam@example.org" : "+12145550100")
    }

    /// Plans from `start` to `end` as the daemon would: at every hour, at each event's time (as
    /// `rapportctl` acts at once) and at each job's `not_before`, when the job is delivered (as
    /// `simulate` does) unless it was withdrawn first. Returns every contact that went out.
    static func run(
        _ agreements: [Agreement], events: [Event] = [], history: [ContactRecord] = [], from start: String,
        until end: String,
        policy: Policy = .standard
    ) -> [PlannedContact] {
        runRecording(agreements, events: events, history: history, from: start, until: end, policy: policy).contacts
    }

    /// `run`, also returning every touchpoint dropped as stale, with its reason (R29). Each
    /// debtor is planned through the planner's own `planDebtor`, as the engine does.
    static func runRecording(
        _ agreements: [Agreement], events: [Event] = [], history earlier: [ContactRecord] = [], from start: String,
        until end: String,
        policy: Policy = .standard
    ) -> (contacts: [PlannedContact], dropped: [TouchpointKey: String]) {
        var dropped: [TouchpointKey: String] = [:]
        var histories: [Identifier: [ContactRecord]] = [:]
        var debtors: [Identifier] = []
        for agreement in agreements where histories[agreement.debtor.id] == nil {
            debtors.append(agreement.debtor.id)
            let theirs = Set(agreements.filter { $0.debtor.id == agreement.debtor.id }.map(\.id))
            histories[agreement.debtor.id] = earlier.filter { !theirs.isDisjoint(with: $0.agreements) }
        }
        var contacts: [PlannedContact] = []
        var now = instant(start)
        let stop = instant(end)
        let planner = Planner(policy: policy)
        var nextHour = now
        while now < stop {
            for debtor in histories.keys {
                for index in histories[debtor, default: []].indices {
                    let record = histories[debtor]![index]
                    if record.state == .spooled && record.notBefore <= now {
                        histories[debtor]![index].state = .delivered
                    }
                }
            }
            for debtor in debtors {
                let known = histories[debtor, default: []].count
                let portfolio = Portfolio(
                    agreements: agreements.filter { $0.debtor.id == debtor }, events: events,
                    history: histories[debtor, default: []])
                let plan = planner.planDebtor(portfolio, now: now)
                var history = plan.history
                // What the spool would now hold: the new jobs, delivered at their not_before.
                for index in known..<history.count where history[index].state == .planned {
                    history[index].state = .spooled
                }
                histories[debtor] = history
                for step in plan.steps {
                    for drop in step.decision.dropped where dropped[drop.touchpoint] == nil {
                        dropped[drop.touchpoint] = drop.reason
                    }
                    if case .send(let contact) = step.decision.outcome { contacts.append(contact) }
                }
            }
            if nextHour <= now { nextHour = now.addingTimeInterval(3600) }
            let all = histories.values.joined()
            let upcoming =
                events.map(\.at).filter { $0 > now }
                + all.filter { $0.state == .spooled && $0.notBefore > now }.map(\.notBefore)
            now = min(nextHour, upcoming.min() ?? nextHour)
        }
        let withdrawn = Set(histories.values.joined().filter { $0.state == .withdrawn }.map(\.jobID))
        return (contacts.filter { !withdrawn.contains($0.jobID) }, dropped)
    }
}
