import CountersignCore
import Foundation

extension PostgresRegistryStore: NodeRegistry {
    public func heartbeat(startedAt: Date, version: String, now: Date) async throws {
        let node = nodeName
        try await database.withConnection { s in
            try await s.execute(
                """
                INSERT INTO node (name, started_at, seen_at, node_clock, version) VALUES (?, ?, now(), ?, ?)
                ON CONFLICT (name) DO UPDATE SET started_at = excluded.started_at, seen_at = now(),
                  node_clock = excluded.node_clock, version = excluded.version
                """, [node, startedAt, now, version])
        }
    }

    public func nodes(liveWithin: TimeInterval) async throws -> [ClusterNode] {
        try await database.read { s in
            try await s.rows(
                """
                SELECT name, version, started_at, seen_at,
                  (EXTRACT(EPOCH FROM (node_clock - seen_at)) * 1000)::bigint,
                  seen_at > now() - make_interval(secs => ?)
                FROM node WHERE seen_at > now() - interval '1 day' ORDER BY name
                """, [liveWithin]
            ).map {
                ClusterNode(
                    name: try $0[0].decode(String.self), version: try $0[1].decode(String.self),
                    startedAt: try $0[2].decode(Date.self), lastSeen: try $0[3].decode(Date.self),
                    clockOffsetMilliseconds: try $0[4].decode(Int.self), live: try $0[5].decode(Bool.self))
            }
        }
    }
}
