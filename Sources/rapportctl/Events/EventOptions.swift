import ArgumentParser
import Foundation
import RapportCommandLine
import RapportCore
import RapportEngine

/// The options that build an event by hand, shared by `record`, `pause` and `resume`.
struct EventOptions: ParsableArguments {
    @Option(help: ArgumentHelp("When it happened (RFC 3339); default now.", valueName: "time")) var at: String?
    @Option(help: ArgumentHelp("Amount, for payment or promise (\"50.00\").", valueName: "amount")) var amount: String?
    @Option(help: ArgumentHelp("Installment id, for payment.", valueName: "id")) var installment: String?
    @Option(help: ArgumentHelp("Promised date, for promise (YYYY-MM-DD).", valueName: "date")) var date: String?
    @Option(help: ArgumentHelp("Channel, for opt_out, opt_in or reply.", valueName: "channel")) var channel: Channel?
    @Option(
        help: ArgumentHelp("Last local date of a pause, breathing space or hardship (YYYY-MM-DD).", valueName: "date"))
    var until: String?
    @Option(help: ArgumentHelp("Why, in words (required for pause).", valueName: "text")) var reason: String?
}

/// Records one event by hand, exactly as `import events` would, and withdraws at once the
/// waiting jobs it makes obsolete (R18).
/// - Parameter verb: the command the operator typed, for the help an error points to.
func record(
    _ type: EventType, agreement id: Identifier, options: EventOptions, storage: StorageOptions,
    verb: String = "record"
) async throws {
    var fields: [String: JSONValue] = ["agreement": .string(id.rawValue), "type": .string(type.rawValue)]
    fields["at"] = .string(options.at ?? Timestamp.rfc3339(Date()))
    for (key, value) in [
        ("amount", options.amount), ("installment", options.installment), ("date", options.date),
        ("channel", options.channel?.rawValue), ("until", options.until), ("reason", options.reason),
    ] {
        if let value { fields[key] = .string(value) }
    }
    let event: Event
    do throws(ImportError) { event = try EventImport.parse(.object(JSONObject(fields))) } catch {
        throw Failure(.usage, "\(error.message); see rapportctl \(verb) --help")
    }
    let engine = try await storage.openEngine(logger: RapportCtl.logger)
    guard try await engine.store.knownAgreements([id]).contains(id) else {
        throw Failure(.dataError, "agreement \(id) is not known; import it first")
    }
    let (added, withdrawn) = try await engine.record([event], at: Date())
    print(
        "\(added == 1 ? "recorded" : "already recorded"): \(type.rawValue) for \(id) at \(Timestamp.rfc3339(event.at))"
            + (withdrawn > 0 ? "; \(withdrawn) waiting job(s) withdrawn" : ""))
}
