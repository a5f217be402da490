import CountersignCore
import CountersignPhoneKit
import Crypto
import Foundation

/// One simulated phone: what the real app keeps after pairing.
struct FleetPhone: Sendable {
    let deviceId: String
    let token: String
    let key: P256.Signing.PrivateKey
    let serverKey: P256.Signing.PublicKey
    let activationId: String
    /// The key the server seals this phone's push challenges with; nil to make every push a fetch.
    let pushKey: [UInt8]?
}

/// Where the relying parties post the number each sign-in screen shows, for the phones' "users" to type.
actor NumberBoard {
    private var numbers: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Int?, Never>]] = [:]

    func post(_ number: Int, for transaction: String) {
        numbers[transaction] = number
        for continuation in waiting.removeValue(forKey: transaction) ?? [] { continuation.resume(returning: number) }
    }

    /// The number, once posted; nil if the wait is cancelled first (a sign-in whose start was cut
    /// off by its node's death is never posted).
    func number(for transaction: String) async -> Int? {
        if let number = numbers.removeValue(forKey: transaction) { return number }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                guard !Task.isCancelled else { return continuation.resume(returning: nil) }
                waiting[transaction, default: []].append(continuation)
            }
        } onCancel: {
            Task { await self.abandon(transaction) }
        }
    }

    private func abandon(_ transaction: String) {
        for continuation in waiting.removeValue(forKey: transaction) ?? [] { continuation.resume(returning: nil) }
    }
}

/// What each sign-in spent where, in milliseconds, for the "time the server adds".
struct SignInTiming: Sendable {
    var authRequest = 0.0
    var authAnsweredAt = Date.distantPast
    var pushReceivedAt: Date?
    var challengeFetch = 0.0
    var answerRequest = 0.0
    var answeredAt: Date?
    var outcomeAt = Date.distantPast
    var total = 0.0

    /// The server's own share: the auth request, the wait until the push reached the gateway, the
    /// phone's two device-API calls, and the long-poll's delay after the answer.
    var serverAdded: Double? {
        guard let dispatch, let longPoll else { return nil }
        return authRequest + dispatch + challengeFetch + answerRequest + longPoll
    }

    var dispatch: Double? { pushReceivedAt.map { max(0, $0.timeIntervalSince(authAnsweredAt) * 1000) } }
    var longPoll: Double? { answeredAt.map { max(0, outcomeAt.timeIntervalSince($0) * 1000) } }
}

actor Timings {
    private var byTransaction: [String: SignInTiming] = [:]

    func update(_ transaction: String, _ change: (inout SignInTiming) -> Void) {
        change(&byTransaction[transaction, default: SignInTiming()])
    }

    func all() -> [SignInTiming] { Array(byTransaction.values) }

    /// Sign-ins approved so far.
    func completed() -> Int { byTransaction.values.count { $0.total > 0 } }
}

/// The phones: reads the gateway's delivery feed and answers each challenge push like the app does:
/// opens the challenge sealed in the push (or, for a phone without a push key, fetches it with a
/// signed request), checks the server's signature, then approves with the number its user typed.
struct PhoneFleet: Sendable {
    let http: BenchHTTP
    let route: NodeRoute
    let gatewayControl: String
    let phones: [String: FleetPhone]
    let board: NumberBoard
    let timings: Timings

    func run() async throws {
        var after = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            while !Task.isCancelled {
                let deliveries = try await http.send(
                    .GET, "\(gatewayControl)/gateway/deliveries?after=\(after)&wait=1&limit=2000",
                    as: [PushGatewayAPI.Delivery].self)
                for delivery in deliveries {
                    after = max(after, delivery.sequence)
                    guard let token = delivery.token, let phone = phones[token],
                        let push = ChallengePushData(notificationPayload: delivery.payload)
                    else { continue }
                    group.addTask { try await answer(push, phone: phone, receivedAt: delivery.receivedAt) }
                }
            }
        }
    }

    func answer(_ push: ChallengePushData, phone: FleetPhone, receivedAt: Date) async throws {
        guard push.activationId == phone.activationId else { return }
        let transaction = push.transactionId
        var fetch = 0.0
        if let pushKey = phone.pushKey {
            guard let sealed = push.sealedChallenge,
                let signed = SealedPushChallenge.open(
                    sealed, key: pushKey, deviceId: phone.deviceId, transactionId: transaction),
                signed.verified(with: phone.serverKey)?.transactionId == transaction
            else { throw BenchFailure("the challenge sealed in the push for \(transaction) did not open or verify") }
        } else {
            let fetchPath = "/v1/devices/\(phone.deviceId)/challenges"
            let fetchStart = ContinuousClock.now
            let pending = try await route.retrying(route.answer(transaction), fallback: { route.answer(transaction) }) {
                try await http.send(
                    .GET, $0 + fetchPath,
                    headers: try BenchHTTP.signedHeaders(method: "GET", path: fetchPath, body: Data(), key: phone.key),
                    as: PendingChallenges.self)
            }
            fetch = (ContinuousClock.now - fetchStart).milliseconds
            guard
                pending.challenges.contains(where: {
                    $0.verified(with: phone.serverKey)?.transactionId == transaction
                })
            else { throw BenchFailure("challenge \(transaction) did not verify or was missing") }
        }

        guard let number = await board.number(for: transaction) else { return }
        let answerPath = "/v1/devices/\(phone.deviceId)/challenges/\(transaction)"
        let body = try APIJSON.makeEncoder().encode(ChallengeAnswer(decision: .approve, number: number))
        let answerStart = ContinuousClock.now
        let result = try await route.retrying(route.answer(transaction), fallback: { route.answer(transaction) }) {
            try await http.send(
                .POST, $0 + answerPath, body: body,
                headers: try BenchHTTP.signedHeaders(method: "POST", path: answerPath, body: body, key: phone.key),
                as: ChallengeAnswerResult.self)
        }
        let answerTime = (ContinuousClock.now - answerStart).milliseconds
        guard result.state == .approved else { throw BenchFailure("\(transaction) ended \(result.state)") }
        let answeredAt = Date()
        await timings.update(transaction) {
            $0.pushReceivedAt = receivedAt
            $0.challengeFetch = fetch
            $0.answerRequest = answerTime
            $0.answeredAt = answeredAt
        }
    }
}
