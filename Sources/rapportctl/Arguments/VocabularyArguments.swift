import ArgumentParser
import RapportCore
import RapportSpool

// The project's vocabulary as command-line values: a mistyped channel, folder, id or state is a
// usage error naming the choices (exit 64), never a string that quietly matches nothing.

extension Channel: ExpressibleByArgument {}
extension PlanOutcome: ExpressibleByArgument {}
extension Spool.Folder: ExpressibleByArgument {}

extension Identifier: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
