import Foundation
import RapportCore
import RapportTestSupport
import Testing

/// `rapportctl report` of a generated book, opened in a real browser: what a person sees is
/// what the forecast and the records say.
@Suite("Report in a browser", .serialized)
struct ReportBrowserTests {
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Added to a copy of the report (which has no script of its own): it measures the laid-out
    /// page and reads its tables back, and leaves what it found in `<pre id="probe">`.
    static let probe = """
        <script>
        (function () {
          function each(list, body) { return Array.prototype.map.call(list, body); }
          function table(name) {
            return each(document.querySelectorAll('table[data-table="' + name + '"] tbody tr'), function (tr) {
              var row = { head: tr.querySelector('th').textContent };
              each(tr.querySelectorAll('td'), function (td) { row[td.getAttribute('data-key')] = td.textContent; });
              return row;
            });
          }
          var result = {
            width: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
            text: document.body.innerText.length, series: {},
            charts: each(document.querySelectorAll('svg[data-chart]'), function (svg) {
              var box = svg.getBoundingClientRect();
              return { chart: svg.getAttribute('data-chart'), width: box.width, height: box.height };
            }),
            contacts: table('contacts'), outcomes: table('outcomes'), stops: table('stops'), inbox: table('inbox')
          };
          each(document.querySelectorAll('svg[data-chart="contacts"] rect[data-series]'), function (rect) {
            var key = rect.getAttribute('data-series');
            result.series[key] = (result.series[key] || 0) + Number(rect.getAttribute('data-value'));
          });
          var pre = document.createElement('pre');
          pre.id = 'probe';
          pre.textContent = JSON.stringify(result);
          document.body.appendChild(pre);
        })();
        </script>
        """

    /// What the probe found in the page laid out `width` pixels wide.
    static func probe(_ html: String, width: Int, in folder: URL) throws -> [String: Any] {
        let page = folder.appendingPathComponent("probed-\(width).html")
        try html.replacingOccurrences(of: "</body>", with: probe + "</body>").write(
            to: page, atomically: true, encoding: .utf8)
        let dom = try HeadlessChromium.dom(of: page, width: width, profile: folder.appendingPathComponent("profile"))
        guard let start = dom.range(of: "<pre id=\"probe\">"),
            let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex)
        else { throw ChromiumError("the probe left nothing in the DOM") }
        let json = dom[start.upperBound..<end.lowerBound].replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }

    /// A table cell's number ("1 234" with thin spaces).
    static func number(_ cell: Any?) -> Int { Int(String((cell as? String ?? "").filter(\.isNumber))) ?? -1 }

    @Test(
        """
        The report of a generated book in headless Chromium: every chart drawn and none blank, nothing wider \
        than A4's printable width, each day's figures the forecast's, outcomes, stops and inbox the records', \
        no debtor named
        """,
        .enabled(if: HeadlessChromium.path != nil || isCI, Comment(rawValue: HeadlessChromium.enableHint)),
        .timeLimit(.minutes(5)), arguments: StoreKind.allCases)
    func inChromium(store: StoreKind) async throws {
        guard HeadlessChromium.path != nil else {
            Issue.record("Chromium is missing under CI (\(HeadlessChromium.enableHint))")
            return
        }
        let sandbox = try Sandbox(store: store)
        let today = Timestamp.rfc3339(Date())
        let generate = ["generate", "--agreements", "400", "--seed", "7", "--today", today]
        let book = try sandbox.run("rapportctl", generate, withConfig: false)
        let events = try sandbox.run("rapportctl", generate + ["--events"], withConfig: false)
        #expect(try sandbox.run("rapportctl", ["import", "agreements", "-"], stdin: book.out).code == 0)
        // Three cease notices besides the generator's: the stops table must count them.
        let ceases = book.out.split(separator: "\n").prefix(3).compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }.map { #"{"agreement":"\#($0)","type":"cease","at":"\#(today)"}"# }
        let stdin = events.out + "\n" + ceases.joined(separator: "\n")
        #expect(try sandbox.run("rapportctl", ["import", "events", "-"], stdin: stdin).code == 0)
        #expect(try sandbox.run("rapportd", ["--once"]).code == 0)
        let inbound = #"{"channel":"sms","from":"+13125550199","text":"Who is this?","received_at":"\#(today)"}"#
        #expect(try sandbox.run("rapportctl", ["inbound", "-"], stdin: inbound).code == 0)
        let ended = try await Self.endSomeJobs(sandbox)

        let from = Timestamp.rfc3339(Date().addingTimeInterval(3 * 86_400))
        let made = try sandbox.run("rapportctl", ["report", "--out", "report.html", "--from", from])
        #expect(made.code == 0, "\(made.err)")
        let forecast = try sandbox.run("rapportctl", ["forecast", "--json", "--days", "30", "--from", from])
        let days = forecast.out.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(days.count == 30)
        let html = try String(contentsOf: sandbox.root.appendingPathComponent("report.html"), encoding: .utf8)
        try Self.expectNoDebtor(in: html, book: book.out)

        let narrow = try Self.probe(html, width: 680, in: sandbox.root)
        #expect(Self.number("\(narrow["scrollWidth"] ?? "")") <= Self.number("\(narrow["width"] ?? "")"))
        #expect(Self.number("\(narrow["text"] ?? "")") > 2_000, "the page is blank")
        let charts = narrow["charts"] as? [[String: Any]] ?? []
        #expect(
            Set(charts.compactMap { $0["chart"] as? String }) == [
                "contacts", "headroom", "arrears", "outcomes", "stops",
            ])
        for chart in charts {
            #expect((chart["width"] as? Double ?? 0) > 600 && (chart["height"] as? Double ?? 0) > 100, "\(chart)")
        }
        let rows = narrow["contacts"] as? [[String: Any]] ?? []
        #expect(rows.count == days.count)
        for (row, day) in zip(rows, days) {
            #expect((row["head"] as? String)?.contains(day["date"] as? String ?? "?") == true)
            for channel in Channel.allCases {
                #expect(Self.number(row[channel.rawValue]) == day[channel.rawValue] as? Int, "\(day)")
            }
        }
        let series = narrow["series"] as? [String: Int] ?? [:]
        for (name, channel) in [("SMS", "sms"), ("e-mail", "email"), ("call", "voice"), ("letter", "letter")] {
            #expect(series[name] ?? 0 == days.reduce(0) { $0 + ($1[channel] as? Int ?? 0) }, "\(name) bars")
        }
        try Self.expectRecords(narrow, ended: ended, sandbox: sandbox)

        let wide = try Self.probe(html, width: 1280, in: sandbox.root)
        #expect(Self.number("\(wide["scrollWidth"] ?? "")") <= 1280)
        let png = sandbox.root.appendingPathComponent("report.png")
        try HeadlessChromium.screenshot(
            of: sandbox.root.appendingPathComponent("report.html"), to: png, width: 1024, height: 2400,
            profile: sandbox.root.appendingPathComponent("profile"))
        let shot = try Data(contentsOf: png)
        #expect(shot.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // A blank 1024 × 2400 page compresses to a few kilobytes; charts and tables do not.
        #expect(shot.count > 60_000, "the screenshot is \(shot.count) bytes: blank?")
        if let keep = ProcessInfo.processInfo.environment["RAPPORT_REPORT_SCREENSHOT"] {
            try shot.write(to: URL(fileURLWithPath: keep))
        }
    }

    /// What delivery tools would report of the first spooled jobs: six delivered, four failed.
    /// Returns the count per "channel/state".
    static func endSomeJobs(_ sandbox: Sandbox) async throws -> [String: Int] {
        let engine = try await sandbox.openEngine()
        let soon = Date().addingTimeInterval(2 * 86_400)
        let jobs = try await engine.store.jobs(in: .spooled).filter { $0.notBefore <= soon }
        #expect(jobs.count >= 10)
        try await engine.store.setState(.delivered, of: jobs.prefix(6).map(\.id), at: Date())
        try await engine.store.setState(.failed, of: jobs.dropFirst(6).prefix(4).map(\.id), at: Date())
        var ended: [String: Int] = [:]
        for (index, job) in jobs.prefix(10).enumerated() {
            ended["\(job.channel.rawValue)/\(index < 6 ? "delivered" : "failed")", default: 0] += 1
        }
        return ended
    }

    /// The outcomes, stops and inbox tables against the records.
    static func expectRecords(_ probe: [String: Any], ended: [String: Int], sandbox: Sandbox) throws {
        let names = ["SMS": "sms", "e-mail": "email", "call": "voice", "letter": "letter"]
        for row in probe["outcomes"] as? [[String: Any]] ?? [] {
            let channel = names[row["head"] as? String ?? ""] ?? "?"
            #expect(number(row["delivered"]) == ended["\(channel)/delivered"] ?? 0, "\(row)")
            #expect(number(row["failed"]) == ended["\(channel)/failed"] ?? 0, "\(row)")
        }
        let stops = probe["stops"] as? [[String: Any]] ?? []
        let ceased = try sandbox.integer("SELECT count(DISTINCT agreement_id) FROM event WHERE type = 'cease'")
        #expect(ceased >= 3)
        #expect(stops.contains { number($0["cease"]) == ceased }, "\(stops)")
        let waiting = try sandbox.integer("SELECT count(*) FROM inbox WHERE state = 'open'")
        #expect(waiting == 1)
        #expect((probe["inbox"] as? [[String: Any]] ?? []).contains { number($0["waiting"]) == waiting })
    }

    /// No name, address, phone number, reference or id of the book's debtors is in the page.
    static func expectNoDebtor(in html: String, book: String) throws {
        var personal: Set<String> = []
        for line in book.split(separator: "\n") {
            let agreement = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let debtor = agreement["debtor"] as? [String: Any] ?? [:]
            personal.formUnion(
                [debtor["name"], debtor["id"], agreement["id"], agreement["reference"]].compactMap { $0 as? String })
            personal.formUnion((agreement["contacts"] as? [String: String] ?? [:]).values)
        }
        #expect(personal.count > 1_000)
        let found = personal.filter { html.contains($0) }
        #expect(found.isEmpty, "debtors' details in the report: \(found.prefix(5))")
    }
}
