import CountersignCore
import Foundation

/// A simulated phone's state folder: one JSON file per account, readable only by its owner.
///
/// By default `~/.countersign-phone/NAME`; `COUNTERSIGN_PHONE_HOME` moves the parent folder
/// (tests give each phone its own).
public struct PhoneState: Sendable {
    public static let homeVariable = "COUNTERSIGN_PHONE_HOME"
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public init(phone: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let name = try Validation.name(phone, of: "phone")
        let userHome =
            environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        let home =
            environment[Self.homeVariable].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? userHome.appendingPathComponent(".countersign-phone")
        self.init(directory: home.appendingPathComponent(name, isDirectory: true))
    }

    private var accountsDirectory: URL { directory.appendingPathComponent("accounts", isDirectory: true) }

    public func accounts() throws -> [PhoneAccount] {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: accountsDirectory, includingPropertiesForKeys: nil)
        } catch {
            return []
        }
        return try files.filter { $0.pathExtension == "json" }.map { file in
            do { return try APIJSON.makeDecoder().decode(PhoneAccount.self, from: Data(contentsOf: file)) } catch {
                throw PhoneError.corruptState("\(file.path): \(error)")
            }
        }.sorted { $0.pairedAt < $1.pairedAt }
    }

    public func save(_ account: PhoneAccount) throws {
        for folder in [directory, accountsDirectory] {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let file = accountsDirectory.appendingPathComponent("\(account.deviceId).json")
        let data = try APIJSON.makeEncoder().encode(account)
        // Create the file with mode 0600 before any secret is written into it.
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw PhoneError.corruptState("cannot write \(file.path)") }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
    }

    public func remove(_ account: PhoneAccount) throws {
        try FileManager.default.removeItem(at: accountsDirectory.appendingPathComponent("\(account.deviceId).json"))
    }

    /// Finds an account by label, user name or device id prefix; with no name, the only account.
    public func account(named name: String?) throws -> PhoneAccount {
        let all = try accounts()
        guard !all.isEmpty else { throw PhoneError.noAccounts }
        guard let name else {
            guard all.count == 1 else { throw PhoneError.ambiguousAccount("(none given)", matches: all.map(\.label)) }
            return all[0]
        }
        if let exact = all.first(where: { $0.label == name || $0.deviceId == name }) { return exact }
        let matches = all.filter { $0.user == name || $0.deviceId.hasPrefix(name) }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw PhoneError.noSuchAccount(name, known: all.map(\.label))
        default: throw PhoneError.ambiguousAccount(name, matches: matches.map(\.label))
        }
    }

    private var numberFile: URL { directory.appendingPathComponent("phone-number") }
    private var lastMessageFile: URL { directory.appendingPathComponent("last-message") }

    /// The phone's own number (E.164), for texts and calls; remembered once given.
    public func phoneNumber() -> String? {
        (try? String(contentsOf: numberFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func savePhoneNumber(_ number: String) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Data(number.utf8).write(to: numberFile)
    }

    /// The sequence of the last text or call this phone showed, so each is shown once.
    public func lastMessageSequence() -> Int {
        (try? String(contentsOf: lastMessageFile, encoding: .utf8)).flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        } ?? 0
    }

    public func saveLastMessageSequence(_ sequence: Int) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Data(String(sequence).utf8).write(to: lastMessageFile)
    }
}
