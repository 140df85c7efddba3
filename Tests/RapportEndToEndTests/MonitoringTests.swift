import Foundation
import RapportEngine
import RapportMail
import RapportSMS
import RapportService
import Testing

/// `monitoring/`: the Grafana dashboard and the Prometheus alerts query only what the programs
/// write, and the dashboard shows all of it. (`promtool check rules` and `promtool test rules`
/// check the alerts' syntax and firing: scripts/monitoring-check, in CI.)
@Suite("Monitoring")
struct MonitoringTests {
    static let folder = Sandbox.repository.appendingPathComponent("monitoring")

    /// Every metric family rapportd (a cluster node's included), rapport-mail and rapport-sms write.
    static let written: Set<String> = {
        var daemon = Metrics()
        daemon.node = NodeCounters()
        daemon.record(
            TickReport(startedAt: Date(), finishedAt: Date()), suppressed: [:], depth: [:], spoolAvailableBytes: 1)
        let text = daemon.rendered() + MailMetrics().rendered() + SMSMetrics().rendered()
        return Set(
            text.split(separator: "\n").compactMap { line in
                line.hasPrefix("# TYPE ") ? line.split(separator: " ").dropFirst(2).first.map(String.init) : nil
            })
    }()

    /// The names a PromQL text refers to: every `name{` selector (the dashboard and the rules
    /// write each metric with its braces) and every `rapport_` word.
    static func metricNames(in text: String) -> Set<String> {
        var names: Set<String> = []
        for pattern in [#"([a-zA-Z_:][a-zA-Z0-9_:]*)\{"#, #"\b(rapport_[a-z0-9_]+)"#] {
            let regex = try! NSRegularExpression(pattern: pattern)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { names.insert(String(text[range])) }
            }
        }
        return names
    }

    @Test("The dashboard: a data source variable, every panel described, querying only and all metrics Rapport writes")
    func dashboard() throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("grafana/rapport.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(
            variables.contains {
                $0["name"] as? String == "datasource" && $0["type"] as? String == "datasource"
                    && $0["query"] as? String == "prometheus"
            })
        var queried: Set<String> = []
        for variable in variables {
            queried.formUnion(Self.metricNames(in: (variable["definition"] as? String) ?? ""))
        }
        let panels = (dashboard["panels"] as? [[String: Any]] ?? []).filter { $0["type"] as? String != "row" }
        #expect(panels.count >= 15)
        for panel in panels {
            let title = panel["title"] as? String ?? ""
            #expect(!title.isEmpty && !(panel["description"] as? String ?? "").isEmpty, "\(panel["id"] ?? "?")")
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}", "\(title)")
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "\(title)")
            for target in targets {
                let names = Self.metricNames(in: target["expr"] as? String ?? "")
                #expect(!names.isEmpty, "\(title): \(target)")
                #expect(names.isSubset(of: Self.written), "\(title) queries \(names.subtracting(Self.written))")
                queried.formUnion(names)
            }
        }
        #expect(
            Self.written.subtracting(queried).isEmpty, "written but on no panel: \(Self.written.subtracting(queried))")
    }

    @Test("The alerts query only metrics Rapport writes, and each has a promtool unit test")
    func alerts() throws {
        let rules = try String(
            contentsOf: Self.folder.appendingPathComponent("prometheus/rapport-alerts.yml"), encoding: .utf8)
        let tests = try String(
            contentsOf: Self.folder.appendingPathComponent("prometheus/rapport-alerts.test.yml"), encoding: .utf8)
        let names = Self.metricNames(in: rules)
        #expect(names.isSubset(of: Self.written), "alerts on metrics nobody writes: \(names.subtracting(Self.written))")
        let alerts = rules.split(separator: "\n").compactMap { line in
            line.trimmingCharacters(in: .whitespaces).hasPrefix("- alert: ")
                ? line.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } : nil
        }
        #expect(alerts.count >= 10)
        for alert in alerts {
            #expect(
                tests.contains("alertname: \(alert)\n        exp_alerts:\n          - exp_labels"),
                "\(alert) never fires in a test")
            #expect(
                tests.contains("alertname: \(alert)\n        exp_alerts: []"), "\(alert) never stays quiet in a test")
        }
    }
}
