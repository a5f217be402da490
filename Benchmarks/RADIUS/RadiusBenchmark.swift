import AsyncHTTPClient
import BenchmarkSupport
import CountersignCore
import CountersignRADIUS
import CountersignStore
import Foundation
import NIOCore
import NIOPosix

/// The server's CPU per one-time-code verification over RADIUS, next to the same verification
/// through the JSON API, measured side by side in one run against the real `countersign server`
/// in its own process (so its CPU, read from /proc, is its alone).
///
/// Every user has an HOTP hardware token; each request carries the token's next code, so every
/// request is a real, accepted verification: over RADIUS an Access-Request with PAP in append mode
/// (`password,123456`) and a Message-Authenticator, over JSON `POST /v1/auth` with method totp.
/// The two run in alternating rounds, so that a noisy neighbour hits both alike.
///
///     swift build -c release --product radius-benchmark
///     swift build -c release --product countersign
///     .build/release/radius-benchmark [--users 10000] [--requests 20000] [--concurrency 32] [--rounds 2]
@main
struct RadiusBenchmark {
    static let secret = Array("radius-benchmark-secret".utf8)

    static func main() async throws {
        let arguments = Arguments(
            benchmark: "radius-benchmark",
            summary: "CPU per code verification over RADIUS next to the JSON API's, in one run",
            options: [
                .number("--users", 10_000, "users, each with an HOTP hardware token"),
                .number("--requests", 20_000, "verifications per round and front end"),
                .number("--concurrency", 32, "requests in flight at once"),
                .number("--rounds", 2, "alternating rounds of each front end"),
            ])
        let users = arguments.int("--users")
        let requests = arguments.int("--requests")
        let concurrency = arguments.int("--concurrency")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "radius-benchmark-\(UUID().uuidString)")
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        print("Seeding \(users) users with HOTP tokens…")
        let masterKey = SecretBox.generateMasterKey()
        let seeded = try await Seed.run(data: data, masterKey: masterKey, users: users)
        let server = try await BenchServer.start(data: data, masterKey: masterKey, folder: folder)
        defer { server.stop() }
        let http = HTTPClient.shared
        var counters = [UInt64](repeating: 0, count: users)
        func nextCodes(_ count: Int) -> [(user: Int, code: String)] {
            (0..<count).map { index in
                let user = index % users
                defer { counters[user] += 1 }
                return (user, seeded.tokens[user].code(counter: counters[user]))
            }
        }

        print("Server pid \(server.pid); \(requests) verifications per round, \(concurrency) at a time")
        print("front end  round  per second   p50 ms   p99 ms   server CPU per verification (ms)")
        var cpu: [String: [Double]] = [:]
        for round in 1...max(1, arguments.int("--rounds")) {
            for frontEnd in ["json", "radius"] {
                let codes = nextCodes(requests)
                let before = ProcessCPU.seconds(pid: server.pid) ?? 0
                let start = ContinuousClock.now
                let latencies =
                    frontEnd == "json"
                    ? try await JSONLoad(http: http, url: server.url, apiKey: seeded.apiKey).run(codes, concurrency)
                    : try await RadiusLoad(port: server.radiusPort).run(codes, concurrency)
                let elapsed = (ContinuousClock.now - start).seconds
                let used = (ProcessCPU.seconds(pid: server.pid) ?? 0) - before
                let sorted = latencies.sorted()
                let perVerification = used / Double(requests) * 1000
                cpu[frontEnd, default: []].append(perVerification)
                print(
                    "\(frontEnd.padding(toLength: 9, withPad: " ", startingAt: 0))  \(round)      \(Int(Double(requests) / elapsed))"
                        + "       \(format(percentile(sorted, 0.5) * 1000))     \(format(percentile(sorted, 0.99) * 1000))"
                        + "     \(format(perVerification))")
            }
        }
        let json = cpu["json", default: []].reduce(0, +) / Double(max(1, cpu["json", default: []].count))
        let radius = cpu["radius", default: []].reduce(0, +) / Double(max(1, cpu["radius", default: []].count))
        print("Mean server CPU per verification: JSON \(format(json)) ms, RADIUS \(format(radius)) ms")
        print("RADIUS / JSON: \(format(radius / json))")
    }
}

/// The users, their tokens, a RADIUS client for loopback in append mode and a JSON API key.
struct Seed {
    var tokens: [HOTP]
    var apiKey: String

    static func run(data: URL, masterKey: [UInt8], users: Int) async throws -> Seed {
        let store = try SQLiteRegistryStore.open(
            path: data.appendingPathComponent("countersign.sqlite").path, secrets: try SecretBox(masterKey: masterKey))
        let now = Date()
        _ = try await store.createProvider(
            NewProvider(name: "bench", billing: .perAuthentication, tenant: nil), now: now)
        _ = try await store.activate(providerName: "bench", serverKey: .init(), now: now)
        let secrets = (0..<users).map { _ in SecureRandom.bytes(20) }
        _ = try await store.importTokens(
            secrets.enumerated().map { TokenSeed(serial: "T\($0.offset)", secret: $0.element, kind: .hotp) }, now: now)
        for index in 0..<users {
            _ = try await store.createUser(
                NewUser(name: "user-\(index)", firstName: nil, lastName: nil, email: nil, phone: nil, country: nil),
                now: now)
            _ = try await store.assignToken(serial: "T\(index)", user: "user-\(index)")
        }
        _ = try await store.addRadiusClient(
            RadiusClient(
                name: "bench-vpn", secret: RadiusBenchmark.secret,
                settings: RadiusClientSettings(network: try AddressRange("127.0.0.1"), mode: .append), createdAt: now))
        let id = Hex.encode(SecureRandom.bytes(8))
        let keySecret = SecureRandom.token(byteCount: 32)
        _ = try await store.createRelyingParty(
            id: id, name: "bench-app", secretHash: SecretHash.sha256Hex(keySecret), now: now)
        return Seed(tokens: try secrets.map { try HOTP(secret: $0) }, apiKey: "csk_\(id)_\(keySecret)")
    }
}

/// The JSON API's code check: `POST /v1/auth` with the code, answered at once.
struct JSONLoad {
    let http: HTTPClient
    let url: String
    let apiKey: String

    func run(_ codes: [(user: Int, code: String)], _ concurrency: Int) async throws -> [Double] {
        try await inParallel(codes, concurrency) { user, code in
            var request = HTTPClientRequest(url: url + "/v1/auth")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(
                ByteBuffer(string: #"{"user":"user-\#(user)","method":"totp","code":"\#(code)"}"#))
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 16)
            guard response.status == .ok || response.status == .created, String(buffer: body).contains("approved")
            else { throw BenchFailure("JSON verification failed: \(response.status) \(String(buffer: body))") }
        }
    }
}

/// The same check as a RADIUS Access-Request from a NAS in append mode.
struct RadiusLoad {
    let port: Int

    func run(_ codes: [(user: Int, code: String)], _ concurrency: Int) async throws -> [Double] {
        let remote = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        return try await inParallel(codes, concurrency) { user, code in
            let authenticator = (0..<16).map { _ in UInt8.random(in: 0...255) }
            let request = RadiusPacket(
                code: .accessRequest, identifier: UInt8.random(in: 0...255), authenticator: authenticator,
                attributes: [
                    RadiusAttribute(.userName, text: "user-\(user)"),
                    RadiusAttribute(
                        .userPassword,
                        RadiusSignature.hidePassword(
                            Array("password,\(code)".utf8), authenticator: authenticator, secret: RadiusBenchmark.secret
                        )),
                ])
            let bytes = try RadiusSignature.signedRequest(request, secret: RadiusBenchmark.secret)
            let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                            wrappingChannelSynchronously: channel)
                    }
                }
            let reply = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: bytes)))
                for try await envelope in inbound { return Array(buffer: envelope.data) }
                return []
            }
            guard reply.first == RadiusCode.accessAccept.rawValue,
                RadiusSignature.isGenuineReply(
                    reply, to: request, secret: RadiusBenchmark.secret, requireMessageAuthenticator: true)
            else { throw BenchFailure("RADIUS verification failed for user-\(user): code \(reply.first ?? 0)") }
        }
    }
}

/// Runs `work` for every item, `concurrency` at a time; the seconds each took.
func inParallel(
    _ items: [(user: Int, code: String)], _ concurrency: Int,
    _ work: @escaping @Sendable (Int, String) async throws -> Void
) async throws -> [Double] {
    try await withThrowingTaskGroup(of: Double.self) { group in
        var latencies: [Double] = []
        latencies.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if index >= concurrency, let latency = try await group.next() { latencies.append(latency) }
            group.addTask {
                let start = ContinuousClock.now
                try await work(item.user, item.code)
                return (ContinuousClock.now - start).seconds
            }
        }
        for try await latency in group { latencies.append(latency) }
        return latencies
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
