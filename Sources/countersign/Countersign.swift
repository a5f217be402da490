import ArgumentParser
import CountersignCore

@main
struct Countersign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "countersign",
        abstract: "Countersign: an on-premises multi-factor authentication server.",
        discussion: """
            'countersign server' runs the server. The other commands call a running server's admin API: \
            give its address and an admin token with --server and --token, or with COUNTERSIGN_SERVER \
            and COUNTERSIGN_TOKEN.
            """,
        version: CountersignVersion.current,
        subcommands: [
            ServerCommand.self, StatusCommand.self, ProviderCommand.self, ActivateCommand.self, UserCommand.self,
            DeviceCommand.self, PushCommand.self, ClientCommand.self, AuthCommand.self, LogCommand.self,
            TokenCommand.self, AppPasswordCommand.self, ReactivateCommand.self, RepairCampaignCommand.self,
            ReportCommand.self, AdminTokenCommand.self, AuditCommand.self, RadiusClientCommand.self,
            SignInsCommand.self,
        ])

    /// `countersign server` also takes its settings from a config file and the environment
    /// (`ServerSettingsSources`); they become flags ahead of the command line's own.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "server", !arguments.contains("--help"), !arguments.contains("-h") {
            do {
                arguments = ["server"] + (try ServerSettingsSources().arguments(Array(arguments.dropFirst())))
            } catch {
                exit(withError: ValidationError(String(describing: error)))
            }
        }
        await main(arguments)
    }
}
