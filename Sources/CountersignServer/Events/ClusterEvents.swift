import CountersignCore
import CountersignStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Carries events between the nodes sharing a PostgreSQL database. What this node publishes goes
/// out as a NOTIFY (from the subscription `EventSubscriptions.attachRelay` makes); what another
/// node published arrives on this node's LISTEN and is published here, so its caches, waiters
/// and push clients react as they do to their own node's writes.
///
/// A LISTEN that breaks is made again. Events sent while it was down are lost, so after every
/// reconnect this node acts as if everything had changed (it forgets its caches and wakes its
/// waiters, who read the store again); long-polls also read the store again every second while
/// clustered, so a lost wake-up costs at most that.
public final class ClusterEvents: Service, Sendable {
    struct Message: Codable {
        var node: String
        var event: CountersignEvent?
        /// The start-up self-test: a message this node sends itself.
        var ping: String?
    }

    /// Set while an event received from another node is published here, so it is not sent back out.
    @TaskLocal static var relaying = false

    let channel: PostgresEventChannel
    let events: EventStream
    let node: String
    let logger: Logger
    private let selfTest = Mutex<(nonce: String, heard: Bool)>((UUID().uuidString, false))
    private let listens = Mutex(0)
    /// Ids per message: a NOTIFY carries under 8000 bytes.
    static let idsPerMessage = 100
    /// How an event of this node's own ends, as `encoded` writes it.
    private let ownEventEnding: String

    /// The end of every event `node` sends: its keys are sorted, so the node comes last.
    static func eventEnding(of node: String) -> String {
        let quoted = (try? APIJSON.makeEncoder().encode(node)).map { String(decoding: $0, as: UTF8.self) }
        return ",\"node\":\(quoted ?? "\"\(node)\"")}"
    }

    public init(channel: PostgresEventChannel, events: EventStream, node: String, logger: Logger) {
        ownEventEnding = Self.eventEnding(of: node)
        self.channel = channel
        self.events = events
        self.node = node
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.channel.listen(
                listening: { await self.listening() }, received: { await self.received($0) })
        }
    }

    /// Sends this node's event to the others; a failure is logged, never thrown at the writer,
    /// whose commit stands (the others catch up by their fallback poll). Each writer sends its own
    /// NOTIFY: batching them behind one sender was measured slower, in CPU and in wake-up time
    /// (BENCHMARKS.md).
    func send(_ event: CountersignEvent) async {
        guard !Self.relaying else { return }
        for part in Self.split(event) {
            do {
                try await channel.send(try Self.encoded(Message(node: node, event: part)))
            } catch {
                logger.warning("cross-node events: could not send \(part) (\(error))")
            }
        }
    }

    static func encoded(_ message: Message) throws -> String {
        String(decoding: try APIJSON.makeEncoder().encode(message), as: UTF8.self)
    }

    /// Events whose id lists would overflow one NOTIFY go as several.
    static func split(_ event: CountersignEvent) -> [CountersignEvent] {
        switch event {
        case .activationChanged(let ended) where ended.count > idsPerMessage:
            return stride(from: 0, to: ended.count, by: idsPerMessage).map {
                .activationChanged(endedSignIns: Array(ended[$0..<min($0 + idsPerMessage, ended.count)]))
            }
        case .signInsChanged(let ids) where ids.count > idsPerMessage:
            return stride(from: 0, to: ids.count, by: idsPerMessage).map {
                .signInsChanged(ids: Array(ids[$0..<min($0 + idsPerMessage, ids.count)]))
            }
        default:
            return [event]
        }
    }

    func received(_ payload: String) async {
        // This node hears its own events too, and needs no decoding to know them (a ping, which
        // it does read, ends with its nonce).
        if payload.hasSuffix(ownEventEnding) { return }
        guard let message = try? APIJSON.makeDecoder().decode(Message.self, from: Data(payload.utf8)) else {
            logger.warning("cross-node events: a message that is not Countersign's was ignored")
            return
        }
        if message.node == node {
            if let ping = message.ping { selfTest.withLock { if $0.nonce == ping { $0.heard = true } } }
            return
        }
        guard let event = message.event else { return }
        await Self.$relaying.withValue(true) { await events.publish(event) }
    }

    func listening() async {
        let count = listens.withLock {
            $0 += 1
            return $0
        }
        if count == 1 {
            Task { await self.runSelfTest() }
            return
        }
        logger.notice("cross-node events: listening again; reading everything afresh")
        // Apart from the listening loop, so that no subscriber's work holds up the next message.
        let events = self.events
        Task {
            await Self.$relaying.withValue(true) {
                for event in Self.catchUp { await events.publish(event) }
            }
        }
    }

    /// What a node that may have missed events does: forget every cache, wake every background
    /// service that waits on a wake-up.
    static let catchUp: [CountersignEvent] = [
        .activationChanged(endedSignIns: []), .clientDeleted(name: ""), .radiusClientsChanged, .pushQueued,
    ]

    /// At start: a message to itself proves the database relays NOTIFY (a pooler in transaction
    /// mode, for one, does not). Without it the nodes still work, on their fallback poll.
    func runSelfTest() async {
        let nonce = selfTest.withLock { $0.nonce }
        do {
            try await channel.send(try Self.encoded(Message(node: node, ping: nonce)))
        } catch {
            logger.warning("cross-node events: the self-test could not send (\(error))")
        }
        for _ in 0..<50 {
            if selfTest.withLock({ $0.heard }) {
                logger.info("cross-node events: LISTEN/NOTIFY self-test passed on \(channel.channel)")
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        logger.warning(
            "cross-node events: this node did not hear its own NOTIFY within 5 s; other nodes' changes reach it only by the 1 s fallback poll"
        )
    }
}
