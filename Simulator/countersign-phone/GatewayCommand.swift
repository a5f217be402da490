import ArgumentParser
import CountersignClient
import CountersignCore
import CountersignGateway
import Foundation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// `countersign-phone gateway`: runs the stand-in for APNs and FCM on this machine.
struct Gateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the push gateway emulator (APNs, FCM and OAuth2 over HTTP/2 and TLS).",
        discussion: """
            The push services listen with TLS on --listen; the gateway writes its CA (ca.pem), an APNs key \
            with its ids (apns-credentials.json) and an FCM service account (fcm-service-account.json) to \
            --state. Simulated phones reach the control port (--control) for push tokens and their inbox: \
            give it to them with --gateway or COUNTERSIGN_GATEWAY (default \(PushGatewayAPI.defaultControlURL)).
            """)

    @Option(help: "HOST:PORT for the push services (TLS, HTTP/2).") var listen: String = "127.0.0.1:8443"
    @Option(help: "HOST:PORT for the control API (plain HTTP, keep it on loopback).") var control: String =
        "127.0.0.1:8444"
    @Option(help: "The gateway's state folder (default ~/.countersign-phone/gateway).") var state: String?
    @Flag(help: "Exit when the process that started the gateway ends (the server in development mode).")
    var exitWithParent = false

    static func split(_ address: String, _ flag: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("--\(flag) '\(address)' is not HOST:PORT") }
        return (String(address[..<colon]), port)
    }

    func run() async throws {
        let (host, port) = try Self.split(listen, "listen")
        let (controlHost, controlPort) = try Self.split(control, "control")
        let home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        let folder = URL(fileURLWithPath: state ?? "\(home)/.countersign-phone/gateway", isDirectory: true)
        // The server a call's keys go back to may use a private CA, as development mode does.
        let server = try GatewayServer.open(
            stateFolder: folder, host: host, port: port,
            callbackTrust: .from(caFile: ProcessInfo.processInfo.environment["COUNTERSIGN_CA_FILE"]))
        let output: @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
        let services = try await server.makeApplication { bound in
            output(
                "Push services (APNs, FCM, OAuth2) on https://\(host):\(bound); CA \(server.identity.caCertificatePath)"
            )
        }
        let controlApp = server.makeControlApplication(host: controlHost, port: controlPort) { bound in
            output("Gateway control on http://\(controlHost):\(bound); state \(folder.path)")
        }
        if exitWithParent {
            // A server killed with SIGKILL cannot stop its child: the child notices it was re-parented
            // (a dead parent may linger as a zombie, so its pid is no sign of life) and leaves.
            let parent = getppid()
            Task.detached {
                while getppid() == parent { try? await Task.sleep(for: .milliseconds(200)) }
                Glibc.exit(0)
            }
        }
        let group = ServiceGroup(
            services: [services, controlApp], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: Logger(label: "countersign-gateway"))
        try await group.run()
    }
}
