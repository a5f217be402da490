import CountersignCore
import CountersignGateway
import CountersignPhoneKit
import Foundation
import Testing

@Suite("The simulated phone's accounts on disk")
struct PhoneStateTests {
    let state = PhoneState(
        directory: FileManager.default.temporaryDirectory.appendingPathComponent("phone-\(UUID().uuidString)"))

    func account(_ user: String, server: String = "https://mfa.example:8443", device: String) throws -> PhoneAccount {
        PhoneAccount(
            server: try #require(URL(string: server)), user: user, deviceId: device, activationId: "act-1",
            serverPublicKey: "key", oath: OATHParameters(secret: "JBSWY3DPEHPK3PXP"), platform: .pollOnly,
            pushToken: nil, privateKey: "private", pairedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    func remove() { try? FileManager.default.removeItem(at: state.directory) }

    @Test("pairing the same user on the same server again replaces the old account, and another server's stays")
    func pairingAgainReplaces() throws {
        defer { remove() }
        let first = try account("ann", device: "dev-old")
        let elsewhere = try account("ann", server: "https://other.example", device: "dev-other")
        try state.save(first)
        try state.save(elsewhere)
        let replaced = try state.saveReplacing(try account("ANN", device: "dev-new"))
        #expect(replaced.map(\.deviceId) == ["dev-old"])
        #expect(Set(try state.accounts().map(\.deviceId)) == ["dev-new", "dev-other"])
    }

    @Test("an account the server no longer accepts is passed by when none is named, and chosen only when alone")
    func invalidatedAccountsArePassedBy() throws {
        defer { remove() }
        let stale = try state.markInvalidated(try account("bob", device: "dev-stale"))
        #expect(stale.isInvalidated)
        #expect(try state.account(named: nil).deviceId == "dev-stale")
        try state.save(try account("carol", device: "dev-carol"))
        #expect(try state.account(named: nil).deviceId == "dev-carol")
        #expect(try state.account(named: "bob").deviceId == "dev-stale")
        #expect(try state.accounts().first { $0.deviceId == "dev-stale" }?.isInvalidated == true)
    }

    @Test("a name that matches several accounts is refused with each one's device id")
    func ambiguityNamesDeviceIds() throws {
        defer { remove() }
        try state.save(try account("dan", device: "dev-a"))
        try state.save(try account("dan", server: "https://other.example", device: "dev-b"))
        #expect {
            try state.account(named: "dan")
        } throws: { error in
            let text = String(describing: error)
            return text.contains("device dev-a") && text.contains("device dev-b") && text.contains("by its device id")
        }
    }

    @Test("every file the phone writes is readable by its owner only, in folders only its owner opens")
    func filesArePrivate() throws {
        defer { remove() }
        try state.save(try account("erin", device: "dev-e"))
        try state.savePhoneNumber("+14155550100")
        try state.saveLastMessageSequence(4)
        try state.saveLastMessageSequence(5)
        #expect(state.lastMessageSequence() == 5)
        let files = try #require(FileManager.default.subpaths(atPath: state.directory.path))
        #expect(files.count == 4, "\(files)")
        for file in files {
            let path = state.directory.appendingPathComponent(file).path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let mode = try #require(attributes[.posixPermissions] as? Int)
            let isFolder = attributes[.type] as? FileAttributeType == .typeDirectory
            #expect(mode == (isFolder ? 0o700 : 0o600), "\(file) has mode \(String(mode, radix: 8))")
        }
    }
}

@Suite("The gateway's arrival bell")
struct ArrivalBellTests {
    @Test("a long-poll answers as soon as something arrives, not at its deadline")
    func longPollWakesAtOnce() async throws {
        let bell = ArrivalBell()
        let inbox = Inbox()
        let started = ContinuousClock.now
        // A deadline far beyond what a wake-up takes even on a starved machine: answering before
        // it means the ring woke the poll.
        async let answered = bell.longPoll(seconds: 300) { await inbox.items }
        try await Task.sleep(for: .milliseconds(100))
        await inbox.add("push")
        bell.ring()
        #expect(await answered == ["push"])
        #expect(ContinuousClock.now - started < .seconds(240))
    }

    @Test("a long-poll that gets nothing answers empty when its time is up")
    func longPollEndsEmpty() async {
        let bell = ArrivalBell()
        let started = ContinuousClock.now
        let answered = await bell.longPoll(seconds: 0.3) { [String]() }
        #expect(answered.isEmpty)
        #expect(ContinuousClock.now - started >= .milliseconds(300))
    }

    actor Inbox {
        var items: [String] = []
        func add(_ item: String) { items.append(item) }
    }
}
