import Foundation
import Testing
@testable import RapportCore

/// R1, R2, R4, R5, R6: when a contact may happen, in the debtor's own wall-clock time.
@Suite("When a contact may happen")
struct HoursAndZonesTests {
    /// The local wall-clock time of `instant` in `zone`, in minutes after midnight.
    func localMinutes(_ instant: Date, _ zone: String) -> Int {
        ZoneClock(identifier: zone)!.localTime(of: instant).minutes
    }

    @Test(
        "R1: the whole send interval lies inside 08:00-21:00 (and the 09:00-20:00 policy) in odd-offset zones",
        arguments: [
            "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns",
            "Pacific/Kiritimati", "Pacific/Pago_Pago",
        ])
    func r1HoursInEveryZone(zone: String) async throws {
        let agreement = Fixture.agreement(zone: zone, installments: [("2026-12-10", "50.00")])
        for hour in stride(from: 0, to: 24, by: 5) {
            let now = Fixture.instant("2026-12-07T00:00:00Z").addingTimeInterval(Double(hour * 3600))
            let decision = Fixture.planner.plan(
                AgreementState(agreement: agreement, events: [], now: now), history: [], now: now)
            let contact = try #require(
                Fixture.contact(decision), "no contact in \(zone) at +\(hour)h: \(decision.summary)")
            let start = localMinutes(contact.notBefore, zone)
            let end = localMinutes(contact.notAfter, zone)
            #expect(start >= 9 * 60 && start < 20 * 60, "not_before \(contact.localTime) in \(zone)")
            #expect(end > start && end <= 20 * 60, "not_after ends \(end) min in \(zone)")
            #expect(
                ZoneClock(identifier: zone)!.localDate(of: contact.notBefore)
                    == ZoneClock(identifier: zone)!.localDate(of: contact.notAfter))
        }
    }

    @Test("R1: a job planned late in the evening goes out the next morning, never at 22:00")
    func r1LateEvening() async throws {
        // 21:30 in Chicago on Monday 2026-12-07; the reminder is due today (due 12-10).
        let decision = Fixture.plan(Fixture.agreement(), at: "2026-12-08T03:30:00Z")
        let contact = try #require(Fixture.contact(decision))
        #expect(contact.localTime.hasPrefix("2026-12-08T"))
        #expect(localMinutes(contact.notBefore, "America/Chicago") >= 9 * 60)
    }

    @Test("R2: with candidate zones the window is their intersection")
    func r2Intersection() async throws {
        let agreement = Fixture.agreement(zones: ["America/New_York", "America/Los_Angeles"])
        let decision = Fixture.plan(agreement, at: "2026-12-07T10:00:00Z")
        let contact = try #require(Fixture.contact(decision))
        // 09:00 in Los Angeles is 12:00 in New York; 20:00 in New York is 17:00 in Los Angeles.
        #expect(localMinutes(contact.notBefore, "America/Los_Angeles") >= 9 * 60)
        #expect(localMinutes(contact.notAfter, "America/New_York") <= 20 * 60)
        #expect(localMinutes(contact.notBefore, "America/New_York") >= 12 * 60)
        #expect(localMinutes(contact.notAfter, "America/Los_Angeles") <= 17 * 60)
    }

    @Test("R2: zones whose windows never overlap get nothing, and the decision says so")
    func r2NoOverlap() {
        // London 09-20 is 09-20 UTC; Auckland 09-20 (UTC+13 in December) is 20-07 UTC.
        let agreement = Fixture.agreement(zones: ["Europe/London", "Pacific/Auckland"])
        let decision = Fixture.plan(agreement, at: "2026-12-07T10:00:00Z")
        #expect(Fixture.contact(decision) == nil)
        guard case .blocked(let rule, _) = decision.outcome else {
            Issue.record("expected blocked, got \(decision.summary)"); return
        }
        #expect(rule.rawValue == "R2")
        #expect(decision.trace.lines.contains { $0.contains("every candidate zone") })
    }

    @Test("R2: with no zone at all nothing time-bound is scheduled and explain says why")
    func r2NoZone() {
        // No zone, no region, and a number outside the NANP: nothing to infer from (R3).
        let decision = Fixture.plan(
            Fixture.agreement(zone: nil, contacts: [.sms: "+442071234567"]), at: "2026-12-07T10:00:00Z")
        guard case .blocked(let rule, let reason) = decision.outcome else { Issue.record("expected blocked"); return }
        #expect(rule.rawValue == "R2")
        #expect(reason.contains("no time zone"))
        #expect(!decision.trace.lines.isEmpty)
    }

    @Test("R4: no contact on Sunday; Saturday evening moves to Monday")
    func r4Sunday() async throws {
        // Saturday 2026-12-05 20:30 in Chicago; reminder wanted for due 2026-12-08.
        let agreement = Fixture.agreement(installments: [("2026-12-08", "50.00")])
        let decision = Fixture.plan(agreement, at: "2026-12-06T02:30:00Z", policy: Fixture.longLookahead)
        let contact = try #require(Fixture.contact(decision), "\(decision.summary)")
        #expect(
            ZoneClock(identifier: "America/Chicago")!.localDate(of: contact.notBefore) == Fixture.date("2026-12-07"))
    }

    @Test("R4: no contact on a US federal holiday (Christmas 2026, a Friday)")
    func r4Holiday() async throws {
        // Reminder ideal on 2026-12-25 for a due date of 2026-12-28 → Saturday 26th.
        let agreement = Fixture.agreement(installments: [("2026-12-28", "50.00")])
        let decision = Fixture.plan(agreement, at: "2026-12-25T15:00:00Z", policy: Fixture.longLookahead)
        let contact = try #require(Fixture.contact(decision))
        #expect(
            ZoneClock(identifier: "America/Chicago")!.localDate(of: contact.notBefore) == Fixture.date("2026-12-26"))
    }

    @Test("R4: the shipped US federal list, with observed dates")
    func r4FederalList() {
        let holidays = HolidayCalendar()
        #expect(holidays.holiday(on: Fixture.date("2026-11-26"))?.contains("Thanksgiving") == true)
        // July 4th 2026 is a Saturday.
        #expect(holidays.holiday(on: Fixture.date("2026-07-03"))?.contains("observed") == true)
        #expect(holidays.holiday(on: Fixture.date("2027-01-18"))?.contains("King") == true)
        #expect(holidays.holiday(on: Fixture.date("2026-12-24")) == nil)
        #expect(HolidayCalendar(usFederal: false).holiday(on: Fixture.date("2026-12-25")) == nil)
        #expect(
            HolidayCalendar(usFederal: false, extra: [Fixture.date("2026-12-24")]).holiday(
                on: Fixture.date("2026-12-24")) != nil)
    }

    @Test("R5: the debtor's 'not before 10:00', 'never on Saturday' and 'no SMS' bind")
    func r5Designated() async throws {
        let limits = Inconvenience(
            before: LocalTime("10:00"), after: LocalTime("18:00"), days: [.sat], channels: [.sms])
        let agreement = Fixture.agreement(inconvenient: limits, installments: [("2026-12-08", "50.00")])
        // Friday 2026-12-04 20:30 Chicago → Saturday is out, Sunday is out → Monday, 10:00-18:00, by e-mail.
        let decision = Fixture.plan(agreement, at: "2026-12-05T02:30:00Z", policy: Fixture.longLookahead)
        let contact = try #require(Fixture.contact(decision))
        #expect(contact.channel == .email)
        #expect(
            ZoneClock(identifier: "America/Chicago")!.localDate(of: contact.notBefore) == Fixture.date("2026-12-07"))
        #expect(localMinutes(contact.notBefore, "America/Chicago") >= 10 * 60)
        #expect(localMinutes(contact.notAfter, "America/Chicago") <= 18 * 60)
    }

    @Test("R5: the debtor's 'not before 19:00' binds every send, wherever R11 would spread it")
    func r5LateStart() throws {
        let limits = Inconvenience(before: LocalTime("19:00"))
        for number in 1...12 {
            let agreement = Fixture.agreement(
                "A-\(number)", inconvenient: limits, installments: [("2026-12-10", "50.00")])
            let contact = try #require(
                Fixture.contact(Fixture.plan(agreement, at: "2026-12-07T13:00:00Z", policy: Fixture.longLookahead)))
            #expect(localMinutes(contact.notBefore, "America/Chicago") >= 19 * 60, "A-\(number)")
        }
    }

    @Test("R6: after spring-forward the window still opens at 09:00 local (New York, 2027-03-14)")
    func r6SpringForwardNorth() async throws {
        // Saturday 2027-03-13 21:00 EST; Sunday is the DST day (and not a contact day).
        let agreement = Fixture.agreement(zone: "America/New_York", installments: [("2027-03-16", "50.00")])
        let decision = Fixture.plan(agreement, at: "2027-03-14T02:00:00Z", policy: Fixture.longLookahead)
        let contact = try #require(Fixture.contact(decision))
        let clock = ZoneClock(identifier: "America/New_York")!
        #expect(clock.localDate(of: contact.notBefore) == Fixture.date("2027-03-15"))
        #expect(localMinutes(contact.notBefore, "America/New_York") >= 9 * 60)
        #expect(contact.notAfter == Fixture.instant("2027-03-16T00:00:00Z"))  // 20:00 EDT
        #expect(contact.localTime.hasSuffix("-04:00"))
    }

    @Test("R6: southern hemisphere, Sydney's spring-forward (2026-10-04) keeps 09:00-20:00 local")
    func r6SpringForwardSouth() async throws {
        let agreement = Fixture.agreement(zone: "Australia/Sydney", installments: [("2026-10-07", "50.00")])
        let decision = Fixture.plan(agreement, at: "2026-10-03T11:00:00Z", policy: Fixture.longLookahead)
        let contact = try #require(Fixture.contact(decision))
        #expect(
            ZoneClock(identifier: "Australia/Sydney")!.localDate(of: contact.notBefore) == Fixture.date("2026-10-05"))
        #expect(localMinutes(contact.notBefore, "Australia/Sydney") >= 9 * 60)
        #expect(contact.notAfter == Fixture.instant("2026-10-05T09:00:00Z"))  // 20:00 AEDT (UTC+11)
    }

    @Test("R6: a skipped wall time maps to the jump, a repeated one to its first instant")
    func r6SkippedAndRepeated() {
        let newYork = ZoneClock(identifier: "America/New_York")!
        #expect(
            newYork.instant(of: Fixture.date("2027-03-14"), at: LocalTime("02:30")!)
                == Fixture.instant("2027-03-14T07:00:00Z"))
        #expect(
            newYork.instant(of: Fixture.date("2026-11-01"), at: LocalTime("01:30")!)
                == Fixture.instant("2026-11-01T05:30:00Z"))
        let lordHowe = ZoneClock(identifier: "Australia/Lord_Howe")!
        #expect(
            lordHowe.instant(of: Fixture.date("2026-10-04"), at: LocalTime("09:00")!)
                == Fixture.instant("2026-10-03T22:00:00Z"))
    }

    @Test("R6: days are calendar days: 25 consecutive openings are each 09:00 local across a DST change")
    func r6ConsecutiveDays() {
        let windows = ContactWindows(
            clocks: [ZoneClock(identifier: "Europe/London")!], policy: .standard, inconvenient: nil)
        var cursor = Fixture.instant("2026-10-15T00:00:00Z")
        for _ in 0..<25 {
            guard let opening = windows.nextOpening(from: cursor) else { Issue.record("no opening"); return }
            #expect(localMinutes(opening.opensAt, "Europe/London") == 9 * 60)
            #expect(localMinutes(opening.end, "Europe/London") == 20 * 60)
            cursor = opening.end
        }
    }
}

/// R3: where a debtor may be when no zone was given.
@Suite("Zone inference")
struct ZoneInferenceTests {
    func localMinutes(_ instant: Date, _ zone: String) -> Int {
        ZoneClock(identifier: zone)!.localTime(of: instant).minutes
    }

    @Test("R3: the shipped tables name only real IANA zones, every state and DC, and only 3-digit area codes")
    func tables() {
        for zone in Set(RegionZones.zones.values.flatMap { $0 } + NANPAreaCodes.zones.values.flatMap { $0 }) {
            #expect(TimeZone(identifier: zone) != nil, "\(zone)")
        }
        let states =
            """
            AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND \
            OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY
            """
        for state in states.split(separator: " ") { #expect(RegionZones.zones["US-\(state)"] != nil, "US-\(state)") }
        #expect(NANPAreaCodes.zones.keys.allSatisfy { $0.count == 3 && Int($0) != nil })
        #expect(NANPAreaCodes.zones.count > 300)
        #expect(NANPAreaCodes.zones["850"] == ["America/New_York", "America/Chicago"])
        #expect(NANPAreaCodes.zones["915"] == ["America/Denver"])
    }

    @Test("R3: an area code alone gives its zone")
    func areaCode() async throws {
        let agreement = Fixture.agreement(zone: nil, contacts: [.sms: "+12145550100"])
        let decision = Fixture.plan(agreement, at: "2026-12-07T15:00:00Z")
        #expect(decision.trace.lines.first == "R3: zones inferred from area code 214 (America/Chicago)")
        #expect(try #require(Fixture.contact(decision)).timezone == "America/Chicago")
    }

    @Test("R3 R2: a region spanning two zones, or an address and a number that disagree, get the intersection")
    func conflicting() async throws {
        var texas = Fixture.agreement(zone: nil, contacts: [.email: "sam@example.org"])
        texas.region = "US-TX"
        let inTexas = try #require(Fixture.contact(Fixture.plan(texas, at: "2026-12-07T12:00:00Z")))
        #expect(localMinutes(inTexas.notBefore, "America/Denver") >= 9 * 60)
        #expect(localMinutes(inTexas.notAfter, "America/Chicago") <= 20 * 60)

        var movedWest = Fixture.agreement(zone: nil, contacts: [.sms: "+12125550100"])
        movedWest.region = "US-CA"
        let decision = Fixture.plan(movedWest, at: "2026-12-07T12:00:00Z")
        #expect(
            decision.trace.lines.first
                == "R3: zones inferred from region US-CA (America/Los_Angeles) and area code 212 (America/New_York)")
        let contact = try #require(Fixture.contact(decision))
        #expect(localMinutes(contact.notBefore, "America/Los_Angeles") >= 9 * 60)
        #expect(localMinutes(contact.notAfter, "America/New_York") <= 20 * 60)
    }

    @Test("R3 R2: nothing to infer from (an e-mail only, no region) means nothing time-bound, explained")
    func nothingKnown() {
        let decision = Fixture.plan(
            Fixture.agreement(zone: nil, contacts: [.email: "sam@example.org"]), at: "2026-12-07T12:00:00Z")
        guard case .blocked(let rule, _) = decision.outcome else { Issue.record("expected blocked"); return }
        #expect(rule.rawValue == "R2")
        #expect(decision.trace.lines.first?.contains("no known region and no NANP phone number") == true)
        var abroad = Fixture.agreement(zone: nil, contacts: [.sms: "+442071234567"])
        abroad.region = "GB-LND"
        #expect(Fixture.contact(Fixture.plan(abroad, at: "2026-12-07T12:00:00Z")) == nil)
    }
}
