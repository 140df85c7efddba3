import ArgumentParser

/// `rapportctl cluster`: several `rapportd` nodes on one PostgreSQL database (issue 26).
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Look at the nodes sharing a PostgreSQL database.",
        subcommands: [ClusterStatusCommand.self])
}
