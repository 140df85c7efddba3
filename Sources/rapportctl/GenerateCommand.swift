import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// `rapportctl generate`: a synthetic portfolio for demos, tests and benchmarks.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract:
            "Write a synthetic portfolio as import JSON Lines (agreements, or with --events the matching events).",
        discussion: """
            Zones on five continents (some candidate zones, some inferred from a phone number), 1-12 \
            monthly installments with due dates from five months ago to three months ahead, mixed \
            channels and SMS consent, one debtor in eight with a second agreement. --events writes the \
            matching payments (most past installments; the rest are misses), promises, pauses, opt-outs \
            and cease requests. The same --agreements, --seed and --today give the same lines, written \
            as they are made, so millions need little memory.
            """)

    @Option(help: "How many agreements.") var agreements = 1000
    @Option(help: "The random seed.") var seed: UInt64 = 1
    @Option(
        help: ArgumentHelp("The day the portfolio is built around (RFC 3339; default now).", valueName: "time"),
        transform: Instant.parse)
    var today: Date?
    @Flag(help: "Write the portfolio's events (payments and stops) instead of its agreements.") var events = false

    func run() async throws {
        try await command {
            guard (1...10_000_000).contains(agreements) else {
                throw Failure(.usage, "--agreements must be between 1 and 10000000")
            }
            let portfolio = SyntheticPortfolio(seed: seed, today: today ?? Date())
            var buffer = Data()
            func flush() {
                FileHandle.standardOutput.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
            for index in 0..<agreements {
                let entry = portfolio.entry(index)
                if events {
                    for event in entry.events {
                        buffer.append(try event.contractJSON())
                        buffer.append(UInt8(ascii: "\n"))
                    }
                } else {
                    buffer.append(contentsOf: entry.agreement.canonicalJSON.utf8)
                    buffer.append(UInt8(ascii: "\n"))
                }
                if buffer.count > 1 << 20 { flush() }
            }
            flush()
        }
    }
}
