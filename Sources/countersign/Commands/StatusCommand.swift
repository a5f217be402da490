import ArgumentParser
import CountersignCore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Show the current activation, its provider, counts of users and devices, and (on PostgreSQL) the nodes sharing the database."
    )

    static func offset(_ milliseconds: Int) -> String {
        milliseconds >= 0 ? "+\(milliseconds) ms" : "\(milliseconds) ms"
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let status = try await connection.makeClient().request("GET", "/v1/status", as: StatusView.self)
        try output.print(status) { status in
            var lines = ["Server:       \(status.serverName)"]
            if let activation = status.activation {
                lines.append("Provider:     \(activation.provider)")
                lines.append("Activation:   \(activation.id) (since \(activation.createdAt.shortText))")
            } else {
                lines.append("Activation:   none (run 'countersign activate --provider NAME')")
            }
            lines.append("Users:        \(status.users)")
            lines.append("Devices:      \(status.activeDevices) active, \(status.devices) in all")
            if let nodes = status.nodes {
                lines.append("Nodes:        \(nodes.filter(\.live).count) live of \(nodes.count) seen today")
                for node in nodes {
                    let state = node.live ? "live" : "silent since \(node.lastSeen.shortText)"
                    lines.append(
                        "  \(node.name)  \(state), clock \(Self.offset(node.clockOffsetMilliseconds)) from the database's, version \(node.version)"
                    )
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}
