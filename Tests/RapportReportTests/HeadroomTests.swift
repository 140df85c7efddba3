import Foundation
import RapportCore
import RapportEngine
import Testing

@testable import RapportReport

@Suite("Report pacing headroom")
struct HeadroomTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    static func sent(_ kind: ContactKind, _ at: String, _ state: JobState = .delivered) -> ContactRecord {
        ContactRecord(
            jobID: JobID("j-" + StableHash.hex(at + kind.rawValue))!, touchpoint: TouchpointKey(rawValue: at),
            agreements: [Identifier("A-1")!], kind: kind, channel: .sms, notBefore: Self.at(at),
            notAfter: Self.at(at).addingTimeInterval(3_600), state: state, timezone: "UTC", recipient: "+12145550100")
    }

    @Test(
        """
        R8: a debtor is at the weekly cap on the days whose seven-day window holds three paced contacts, past and \
        forecast together; an answer, a withdrawn job and one still waiting (the forecast's) do not count
        """)
    func weeklyCap() {
        let debtor = Identifier("D-1")!
        var tally = ForecastTally(firstDay: LocalDate("2026-12-10")!, days: 10)
        tally.add(debtor: debtor, kind: .missed, channel: .sms, notBefore: Self.at("2026-12-11T15:00:00Z"))
        let history = [
            Self.sent(.preDue, "2026-12-05T15:00:00Z"), Self.sent(.preDue, "2026-12-08T15:00:00Z"),
            Self.sent(.help, "2026-12-09T15:00:00Z"), Self.sent(.followUp, "2026-12-09T16:00:00Z", .withdrawn),
            // Still in the spool: the forecast delivers it (this test's tally has not), so it is not past.
            Self.sent(.checkIn, "2026-12-09T17:00:00Z", .spooled),
        ]
        var book = BookCounter(
            planner: Planner(policy: .standard), tally: tally, now: Self.at("2026-12-10T12:00:00Z"))
        book.count(Portfolio(agreements: [], events: [], history: history), of: debtor)
        #expect(book.atCap == [0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(book.days(holidays: HolidayCalendar()).map(\.atCap) == book.atCap)
    }
}
