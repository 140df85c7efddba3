import Foundation
import Logging
import RapportConfig
import RapportCore
import RapportEngine
import Testing

@testable import RapportMessages

/// Issue 11's check, through the real engine: a `rapportctl generate` portfolio with payments
/// arriving over 90 simulated days, every delivered message read as its debtor would.
@Suite("What the debtor reads, over a simulated portfolio")
struct MessageAuditTests {
    @Test(
        """
        R20 R23 R25 R36 R37 R38 R39: no understated amount, repeated phrase, voice thank-you, unacknowledged miss, \
        SMS over budget, claim the record does not support, telling preview, or collection message without the \
        reference, how to pay and the phone
        """
    )
    func audit() async throws {
        let sandbox = try Sandbox(
            extraConfig:
                "pay_url = \"example.org/pay\"\nphone_hours = \"Mon-Fri 9-6 CT\"\n"
                + "phone_hours_es = \"lun-vie 9-18 h CT\"\n"
        )
        let sender = try sandbox.settings().sender
        let engine = try await sandbox.openEngine()
        let from = Timestamp.parse("2026-10-01T00:00:00Z")!
        let until = from.addingTimeInterval(90 * 86_400)
        let generator = SyntheticPortfolio(seed: 11, today: from)
        var agreements: [Agreement] = []
        var events: [Event] = []
        var random = SplitMix64(seed: 11)
        for index in 0..<160 {
            let (agreement, past) = generator.entry(index)
            agreements.append(agreement)
            events += past
            // Payments keep arriving during the run, some partial, some late.
            for _ in 0..<Int(random.next() % 3) {
                let at = from.addingTimeInterval(Double(random.next() % UInt64(until.timeIntervalSince(from))))
                let amount = Money(hundredths: 500 * (5 + Int(random.next() % 60)))
                events.append(Event(agreement: agreement.id, type: .payment, at: at, amount: amount))
            }
        }
        _ = try await engine.store.upsert(agreements, at: from)
        _ = try await engine.store.append(events.filter { $0.at <= from }, at: from)
        var jobs: [Job] = []
        _ = try await Simulation(
            settings: try sandbox.settings(), from: from, until: until, events: events.filter { $0.at > from }
        )
        .run(copying: engine.store, logger: Logger(label: "audit")) { jobs.append($0) }
        #expect(jobs.count > 300)

        let byID = Dictionary(uniqueKeysWithValues: agreements.map { ($0.id, $0) })
        for job in jobs {
            let agreement = try #require(byID[job.agreement])
            #expect(job.channel != .voice || job.kind.mayUseVoice, "R23: \(job.kind) \(job.id) is a call")
            let message = MessageRenderer.Message(locale: job.locale, subject: job.subject, body: job.body)
            #expect(MessageChecks.previewLeak(message, channel: job.channel) == nil, "R38: \(job.id): \(job.body)")
            let missing = MessageChecks.missingToAct(
                message, kind: job.kind, channel: job.channel, reference: agreement.referenceForMessages,
                sender: sender)
            #expect(missing.isEmpty, "R39: \(job.id) lacks \(missing): \(job.body)")
            checkTrue(job, agreement: agreement, events: events, jobs: jobs)
            let text = (job.subject.map { $0 + "\n" } ?? "") + job.body
            let repeated = Repetition.first(in: text)
            #expect(repeated == nil, "R20: \(job.id) repeats \"\(repeated ?? "")\"")
            if job.channel == .sms {
                let length = SMSLength(measuring: job.body)
                #expect(
                    job.encoding == length.encoding && job.segments == length.segments,
                    "R36: \(job.id) misstates its length")
                #expect(
                    SMSBudget.fits(length, language: job.locale),
                    "R36: \(job.id) takes \(length.segments) segments: \(job.body)")
            }
            guard [.missed, .followUp].contains(job.kind), job.channel != .voice, job.agreements.count == 1 else {
                continue
            }
            let clock = try #require(ZoneClock(identifier: job.timezone))
            let state = AgreementState(agreement: agreement, events: events, now: job.notBefore)
            let owed = try #require(
                Statement.arrears(of: state, on: clock.localDate(of: job.notBefore)), "\(job.id): nothing owed")
            let written = MoneyWords.format(owed.total, currency: agreement.currency, language: job.locale)
            #expect(job.body.contains(written), "R20: \(job.id) does not state the \(written) owed: \(job.body)")
            #expect(
                owed.count == 1 || job.body.contains(String(owed.count)),
                "R20: \(job.id) does not say \(owed.count) payments")
        }
        checkEveryMiss(agreements: agreements, events: events, jobs: jobs, from: from, until: until)
    }

    /// R37: no claim the record does not support, in either language: "several times" only after
    /// three unanswered written contacts since the debtor was last heard from; "has not reached
    /// us" only when nothing was paid toward it; "today" and "tomorrow" only in an SMS.
    func checkTrue(_ job: Job, agreement: Agreement, events: [Event], jobs: [Job]) {
        let text = job.body.lowercased()
        let state = AgreementState(agreement: agreement, events: events, now: job.notBefore)
        if text.contains("several times") || text.contains("varias veces") {
            let heard = state.lastHeard ?? .distantPast
            let written = jobs.filter {
                $0.agreements.contains(agreement.id) && $0.channel != .voice && $0.kind.isCollection
                    && $0.notBefore > heard && $0.notBefore < job.notBefore
            }
            #expect(written.count >= 3, "R37: \(job.id) says several times after \(written.count): \(job.body)")
        }
        if text.contains("has not reached us") || text.contains("no nos ha llegado") || text.contains("no recibimos"),
            let clock = ZoneClock(identifier: job.timezone)
        {
            let owed = Statement.arrears(of: state, on: clock.localDate(of: job.notBefore))
            #expect(owed?.received == .zero, "R37: \(job.id) calls a partly paid installment missing: \(job.body)")
        }
        if job.channel == .email || job.channel == .letter {
            let words = Set(text.split { !$0.isLetter })
            #expect(words.isDisjoint(with: ["today", "tomorrow", "hoy"]), "R37: \(job.id): \(job.body)")
        }
    }

    /// R25: every installment missed during the run, still unpaid after the grace and a few
    /// days, got a check-in in that time — unless a stop forbids contact.
    func checkEveryMiss(agreements: [Agreement], events: [Event], jobs: [Job], from: Date, until: Date) {
        let quiet: Set<EventType> = [.payment, .promise, .reply]
        var missesChecked = 0
        for agreement in agreements
        where !events.contains(where: { $0.agreement == agreement.id && !quiet.contains($0.type) }) {
            guard let zone = jobs.first(where: { $0.agreements.contains(agreement.id) })?.timezone,
                let clock = ZoneClock(identifier: zone)
            else { continue }
            let shared = agreements.filter { $0.debtor.id == agreement.debtor.id }.count > 1
            let allowed = 2 + (shared ? 14 : 4)
            let checkIns = jobs.filter { $0.agreement == agreement.id && $0.kind == .missed }.map {
                clock.localDate(of: $0.notBefore)
            }
            for installment in agreement.installments
            where installment.due >= clock.localDate(of: from)
                && installment.due.adding(days: allowed) < clock.localDate(of: until)
            {
                let deadline = clock.instant(of: installment.due.adding(days: allowed + 1), at: LocalTime(minutes: 0)!)
                guard !AgreementState(agreement: agreement, events: events, now: deadline).isPaid(installment) else {
                    continue
                }
                missesChecked += 1
                #expect(
                    checkIns.contains { $0 > installment.due && $0 <= installment.due.adding(days: allowed) },
                    "R25: \(agreement.id) \(installment.id) due \(installment.due): no check-in within \(allowed) days"
                )
            }
        }
        #expect(missesChecked > 20, "the run must contain misses to check")
    }
}
