import CountersignCore
import Foundation
import Testing

@testable import CountersignServer

/// A node hears its own NOTIFYs too; it tells its own events from their end alone, without
/// decoding them, and must never take another node's event, or its own ping, for one of them.
@Suite("Cross-node events: telling this node's own messages apart")
struct ClusterEventsTests {
    @Test("an event ends with its node, whatever the name holds; another node's and a ping do not")
    func ownEventsAreKnownByTheirEnd() throws {
        for node in ["node1", "db-a.example", "odd \"name\" \\ here"] {
            let ending = ClusterEvents.eventEnding(of: node)
            let own = try ClusterEvents.encoded(
                ClusterEvents.Message(node: node, event: .signInsChanged(ids: ["t1", "t2"])))
            #expect(own.hasSuffix(ending), "\(own)")
            let other = try ClusterEvents.encoded(
                ClusterEvents.Message(node: node + "x", event: .signInsChanged(ids: ["t1"])))
            #expect(!other.hasSuffix(ending), "\(other)")
            let ping = try ClusterEvents.encoded(ClusterEvents.Message(node: node, ping: "nonce"))
            #expect(!ping.hasSuffix(ending), "\(ping)")
        }
    }
}
