import CountersignCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
        let data = try APIJSON.makeEncoder().encode(account)
        try writePrivately(data, to: accountsDirectory.appendingPathComponent("\(account.deviceId).json"))
    }

    /// Saves a newly paired account and removes the ones it replaces: the same user on the same
    /// server, as a real app replaces an account scanned again. Returns what it removed.
    @discardableResult
    public func saveReplacing(_ account: PhoneAccount) throws -> [PhoneAccount] {
        let replaced = try accounts().filter { $0.deviceId != account.deviceId && $0.isSameAccount(as: account) }
        try save(account)
        for old in replaced { try remove(old) }
        return replaced
    }

    /// Records that the server no longer accepts `account`; returns it as saved.
    @discardableResult
    public func markInvalidated(_ account: PhoneAccount, at date: Date = Date()) throws -> PhoneAccount {
        guard !account.isInvalidated else { return account }
        var marked = account
        marked.invalidatedAt = date
        try save(marked)
        return marked
    }

    public func remove(_ account: PhoneAccount) throws {
        try FileManager.default.removeItem(at: accountsDirectory.appendingPathComponent("\(account.deviceId).json"))
    }

    /// Finds an account by label, user name or device id prefix; with no name, the only account
    /// the server still accepts. An account the server no longer accepts is chosen only when
    /// nothing else matches, so its user is told why.
    public func account(named name: String?) throws -> PhoneAccount {
        let all = try accounts()
        guard !all.isEmpty else { throw PhoneError.noAccounts }
        let matches: [PhoneAccount]
        if let name {
            let exact = all.filter { $0.label == name || $0.deviceId == name }
            matches = exact.isEmpty ? all.filter { $0.user == name || $0.deviceId.hasPrefix(name) } : exact
        } else {
            matches = all
        }
        let accepted = matches.filter { !$0.isInvalidated }
        let candidates = accepted.isEmpty ? matches : accepted
        switch candidates.count {
        case 1: return candidates[0]
        case 0: throw PhoneError.noSuchAccount(name ?? "", known: all.map(\.label))
        default: throw PhoneError.ambiguousAccount(name ?? "(none given)", matches: candidates.map(Self.describe))
        }
    }

    /// An account as an ambiguity error names it: by the device id that picks it exactly.
    static func describe(_ account: PhoneAccount) -> String {
        "\(account.label) device \(account.deviceId)" + (account.isInvalidated ? " (no longer accepted)" : "")
    }

    /// Writes a file only its owner can read, in a folder only its owner can open: the file is
    /// made with mode 0600 before the data goes in, then renamed over the old one.
    private func writePrivately(_ data: Data, to file: URL) throws {
        let folder = file.deletingLastPathComponent()
        for path in [directory, folder] {
            try FileManager.default.createDirectory(
                at: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let temporary = folder.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw PhoneError.corruptState("cannot write \(file.path)") }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
        }
        guard rename(temporary.path, file.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw PhoneError.corruptState("cannot write \(file.path)")
        }
    }

    private var numberFile: URL { directory.appendingPathComponent("phone-number") }
    private var lastMessageFile: URL { directory.appendingPathComponent("last-message") }

    /// The phone's own number (E.164), for texts and calls; remembered once given.
    public func phoneNumber() -> String? {
        (try? String(contentsOf: numberFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func savePhoneNumber(_ number: String) throws {
        try writePrivately(Data(number.utf8), to: numberFile)
    }

    /// The sequence of the last text or call this phone showed, so each is shown once.
    public func lastMessageSequence() -> Int {
        (try? String(contentsOf: lastMessageFile, encoding: .utf8)).flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        } ?? 0
    }

    public func saveLastMessageSequence(_ sequence: Int) throws {
        try writePrivately(Data(String(sequence).utf8), to: lastMessageFile)
    }
}
