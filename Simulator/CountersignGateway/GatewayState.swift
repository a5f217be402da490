import CountersignCore
import Foundation

/// The emulator's memory: device tokens it handed out, notifications delivered to each, errors it
/// was told to answer with, and the FCM access tokens it issued.
public actor GatewayState {
    public typealias Device = PushGatewayAPI.Device
    public typealias Delivery = PushGatewayAPI.Delivery

    /// An answer to give instead of the normal one, for the next `remaining` sends to a token.
    public struct Fault: Codable, Sendable, Equatable {
        public var status: Int
        public var reason: String
        public var retryAfter: Int?
        public var remaining: Int

        public init(status: Int, reason: String, retryAfter: Int? = nil, remaining: Int = 1) {
            self.status = status
            self.reason = reason
            self.retryAfter = retryAfter
            self.remaining = remaining
        }
    }

    private var devices: [String: Device] = [:]
    private var inboxes: [String: [Delivery]] = [:]
    /// Every delivery in order, for a fleet of simulated phones reading one feed.
    private var feed: [Delivery] = []
    private var faults: [String: [Fault]] = [:]
    private var accessTokens: [String: Date] = [:]
    private var sequence = 0
    private let devicesFile: URL?
    /// Rung at each delivery, for the phones waiting on their inboxes.
    public nonisolated let arrivals = ArrivalBell()

    public init(devicesFile: URL?) {
        self.devicesFile = devicesFile
        if let devicesFile, let data = try? Data(contentsOf: devicesFile) {
            // One JSON object per line, appended as devices change; the last line for a token wins.
            for line in data.split(separator: UInt8(ascii: "\n")) {
                if let device = try? JSONDecoder().decode(Device.self, from: line) { devices[device.token] = device }
            }
        }
    }

    public func register(platform: DevicePlatform, phone: String) throws -> Device {
        let token =
            switch platform {
            case .apns: Hex.encode(SecureRandom.bytes(32))
            default: SecureRandom.token(byteCount: 96)
            }
        let device = Device(token: token, platform: platform, phone: phone, unregisteredAt: nil)
        devices[token] = device
        try save(device)
        return device
    }

    public func device(_ token: String) -> Device? { devices[token] }

    public func unregister(_ token: String, at date: Date) throws {
        guard var device = devices[token] else { return }
        device.unregisteredAt = date
        devices[token] = device
        try save(device)
    }

    public func addFault(_ fault: Fault, for token: String) {
        faults[token, default: []].append(fault)
    }

    /// The fault to answer with now, if one is pending for `token`.
    public func takeFault(for token: String) -> Fault? {
        guard var pending = faults[token], var first = pending.first else { return nil }
        first.remaining -= 1
        if first.remaining <= 0 { pending.removeFirst() } else { pending[0] = first }
        faults[token] = pending
        return first
    }

    public func deliver(to token: String, platform: DevicePlatform, id: String, payload: String, at date: Date) {
        sequence += 1
        let delivery = Delivery(
            sequence: sequence, platform: platform, id: id, receivedAt: date, payload: payload, token: token)
        inboxes[token, default: []].append(delivery)
        feed.append(delivery)
        arrivals.ring()
    }

    /// Deliveries to any token after `after`, at most `limit` of them.
    public func deliveries(after: Int, limit: Int) -> [Delivery] {
        // Sequence numbers are the feed's positions plus one.
        guard after < feed.count else { return [] }
        return Array(feed[max(0, after)..<min(feed.count, max(0, after) + limit)])
    }

    public func inbox(_ token: String, after: Int) -> [Delivery] {
        (inboxes[token] ?? []).filter { $0.sequence > after }
    }

    public func issueAccessToken(expiresAt: Date) -> String {
        let token = "ya29." + SecureRandom.token(byteCount: 32)
        accessTokens[token] = expiresAt
        return token
    }

    public func accessTokenIsValid(_ token: String, at date: Date) -> Bool {
        accessTokens[token].map { $0 > date } ?? false
    }

    /// Appends the device's new state: constant work per change, however many devices there are.
    private func save(_ device: Device) throws {
        guard let devicesFile else { return }
        if !FileManager.default.fileExists(atPath: devicesFile.path) {
            _ = FileManager.default.createFile(atPath: devicesFile.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: devicesFile)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: try JSONEncoder().encode(device) + Data("\n".utf8))
    }
}
