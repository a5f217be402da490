import ArgumentParser
import CountersignCore

struct ActivateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activate", abstract: "Link this server to a provider, with a new server signing key.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The provider to link to.")
    var provider: String

    func run() async throws {
        let activation = try await connection.makeClient().request(
            "POST", "/v1/activations", body: ActivateRequest(provider: provider), as: ActivationView.self)
        print("Activated with provider '\(activation.provider)'. Activation id: \(activation.id)")
    }
}
