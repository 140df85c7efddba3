import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl simulate`: the contract's simulation, in virtual time over a copy of the database.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract:
            "Run the real planning engine in virtual time over a copy of the database; write every delivered job as "
            + "JSON Lines.",
        discussion: """
            The live database and spool are never touched. Agreements count as existing at --from; \
            events (recorded ones dated after --from, and those in --events) are applied when the \
            clock reaches them. Every job is delivered at its not_before. The output is one job per \
            line, in send order, with "delivered_at"; the same input gives the same bytes.
            """)

    @Option(
        help: ArgumentHelp("Start of the simulated time (RFC 3339).", valueName: "time"), transform: Instant.parse)
    var from: Date
    @Option(help: ArgumentHelp("End of the simulated time (RFC 3339).", valueName: "time"), transform: Instant.parse)
    var until: Date
    @Option(
        help: ArgumentHelp(
            "Events and inbound messages (lines with received_at) to apply when the clock reaches them.",
            valueName: "file")) var events: String?
    @Option(help: ArgumentHelp("Where to write the delivered jobs (default: standard output).", valueName: "file"))
    var out: String?
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await command {
            let (start, end) = (from, until)
            guard start < end else { throw Failure(.usage, "--until must be later than --from") }
            let engine = try await storage.openEngine(logger: RapportCtl.logger)
            var arriving: [Event] = []
            var replies: [InboundMessage] = []
            if let events {
                let (valid, inbound, report) = try await Importer(store: engine.store).validateSimulationInput(
                    try readInput(events))
                for rejection in report.rejected { printError("\(events):\(rejection.line): \(rejection.message)") }
                guard report.rejected.isEmpty else {
                    throw Failure(.dataError, "\(events): \(report.rejected.count) bad line(s); nothing simulated")
                }
                arriving = valid
                replies = inbound
            }
            // The copy of the portfolio and a half-written --out never outlive an interrupt or a failure.
            let scratch = Scratch()
            defer { scratch.removeAll() }
            let output = try OutputFile(path: out, scratch: scratch)
            let simulation = Simulation(
                settings: engine.settings, from: start, until: end, events: arriving, inbound: replies)
            let report = try await simulation.run(
                copying: engine.store, in: try scratch.folder("simulate"),
                spoolIn: try scratch.memoryFolder("simulate-spool"), logger: RapportCtl.logger,
                progress: { printProgress("simulate", $0) }
            ) { job in
                try output.write(try job.encoded())
            }
            try output.close()
            printError(
                String(
                    format: "simulate: %d jobs from %@ to %@ in %d ticks (%.1f s)", report.jobs,
                    Timestamp.rfc3339(start), Timestamp.rfc3339(end), report.ticks, report.seconds))
        }
    }
}
