import ArgumentParser
import CountersignCore

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Inspect and remove paired authenticator apps.",
        subcommands: [List.self, Show.self, Remove.self, TestPush.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List devices, all or one user's.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this user's devices.") var user: String?

        func run() async throws {
            let query =
                user.map { "?user=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" } ?? ""
            let devices = try await connection.makeClient().requestAll("/v1/devices\(query)", as: DeviceView.self)
            try output.print(devices) { devices in
                var table = TextTable("ID", "USER", "PLATFORM", "STATUS", "NAME", "LAST SEEN")
                for device in devices {
                    let status =
                        device.statusReason.map { "\(device.status.rawValue) (\($0))" } ?? device.status.rawValue
                    table.add(
                        device.id, device.user, device.platform.rawValue, status, device.displayName.orDash,
                        device.lastSeenAt?.shortText ?? "-")
                }
                return table.rendered
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one device.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The device id, as 'device list' shows it.") var id: String

        func run() async throws {
            let device = try await connection.makeClient().request(
                "GET", "/v1/devices/\(id.pathSegment)", as: DeviceView.self)
            try output.print(device) { device in
                """
                Id:          \(device.id)
                User:        \(device.user)
                Activation:  \(device.activationId)
                Platform:    \(device.platform.rawValue) (\(device.environment.rawValue))
                Push token:  \(device.hasPushToken ? "valid" : "none")
                Name:        \(device.displayName.orDash)
                Status:      \(device.status.rawValue)\(device.statusReason.map { " (\($0))" } ?? "")
                Paired:      \(device.createdAt.shortText)
                Last seen:   \(device.lastSeenAt?.shortText ?? "-")
                """
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a device: the phone can no longer approve sign-ins. Kept in the record as removed.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The device id, as 'device list' shows it.") var id: String

        func run() async throws {
            let device = try await connection.makeClient().request(
                "DELETE", "/v1/devices/\(id.pathSegment)", as: DeviceView.self)
            print("Removed device \(device.id) of user '\(device.user)'")
        }
    }

    struct TestPush: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-push", abstract: "Queue a test notification to a device through the push outbox.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The device id, as 'device list' shows it.") var id: String
        @Option(help: "Seconds the notification may wait to be sent (1-3600).") var ttl: Int = 60

        func run() async throws {
            let queued = try await connection.makeClient().request(
                "POST", "/v1/devices/\(id.pathSegment)/test-push", body: TestPushRequest(ttlSeconds: ttl),
                as: TestPushView.self)
            print(
                "Queued test notification \(queued.id) to device \(queued.device) (until \(queued.deadline.shortText))")
        }
    }
}
