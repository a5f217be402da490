import ArgumentParser
import CountersignCore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the current activation, its provider, and counts of users and devices.")

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
            return lines.joined(separator: "\n")
        }
    }
}
