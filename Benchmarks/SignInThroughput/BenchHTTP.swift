import AsyncHTTPClient
import CountersignCore
import CountersignPhoneKit
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// JSON over AsyncHTTPClient with a connection pool big enough for the benchmark's concurrency.
struct BenchHTTP: Sendable {
    let client: HTTPClient

    init(connections: Int) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(90))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async throws { try await client.shutdown() }

    func send<Answer: Decodable>(
        _ method: HTTPMethod, _ url: String, body: Data? = nil, headers: [(String, String)] = [], as: Answer.Type
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(90))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw BenchFailure("\(method) \(url) answered \(response.status.code): \(String(buffer: bytes))")
        }
        return try APIJSON.makeDecoder().decode(Answer.self, from: Data(bytes.readableBytesView))
    }

    /// Only the status of a request, for readiness checks.
    func status(_ method: HTTPMethod, _ url: String) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = method
        let response = try await client.execute(request, timeout: .seconds(5))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// The device API's signature headers, with timestamps that never repeat in this process.
    static func signedHeaders(method: String, path: String, body: Data, key: P256.Signing.PrivateKey) throws
        -> [(String, String)]
    {
        let timestamp = timestamps.next(Int64(Date().timeIntervalSince1970 * 1000))
        let signature = try DeviceRequestSignature.sign(
            method: method, path: path, timestampMillis: timestamp, body: body, with: key)
        return [
            (DeviceRequestSignature.timestampHeader, String(timestamp)),
            (DeviceRequestSignature.signatureHeader, signature),
        ]
    }

    private static let timestamps = TimestampSequence()
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
