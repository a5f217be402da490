import ArgumentParser
import CountersignCore

struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push", abstract: "The push outbox.", subcommands: [Status.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count outbox messages by state.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let view = try await connection.makeClient().request("GET", "/v1/push/outbox", as: PushOutboxView.self)
            try output.print(view) { view in
                "queued \(view.queued), sending \(view.sending), sent \(view.sent), failed \(view.failed), expired \(view.expired), cancelled \(view.cancelled)"
            }
        }
    }
}
