import NIOCore
import NIOPosix

/// Sends a request's bytes exactly as written and reads the whole answer until the server closes:
/// for requests no well-behaved client library would send.
enum RawHTTP {
    struct NoAnswer: Error {}

    static func exchange(port: Int, _ request: String, within limit: Duration = .seconds(20)) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: request))
                    var answer = ""
                    for try await chunk in inbound { answer += String(buffer: chunk) }
                    return answer
                }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let answer = first else {
                channel.channel.close(promise: nil)
                throw NoAnswer()
            }
            return answer
        }
    }
}
