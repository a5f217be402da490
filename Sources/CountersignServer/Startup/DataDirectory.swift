import CountersignCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The server's data folder: the SQLite file, the master key and the first admin token.
///
/// Opening it takes an exclusive lock on the folder that lasts as long as the process, so a second server on
/// the same folder is refused instead of sharing the file behind the first one's back.
public final class DataDirectory: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case cannotCreate(String, String)
        case inUse(String)
        case badMasterKey(String)

        public var description: String {
            switch self {
            case .cannotCreate(let path, let reason): "cannot create data directory \(path): \(reason)"
            case .inUse(let path):
                "another countersign server is already running on data directory \(path); stop it first or pick another --data"
            case .badMasterKey(let reason): "the master key is unusable: \(reason)"
            }
        }
    }

    /// The environment variable that may carry the master key (base64, 32 bytes) instead of the file.
    public static let masterKeyVariable = "COUNTERSIGN_MASTER_KEY"

    public let url: URL
    private let lockDescriptor: Int32

    public var databasePath: String { url.appendingPathComponent("countersign.sqlite").path }
    public var masterKeyPath: String { url.appendingPathComponent("master.key").path }
    public var adminTokenPath: String { url.appendingPathComponent("admin-token").path }

    public init(path: String) throws {
        let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure.cannotCreate(url.path, error.localizedDescription)
        }
        // The folder itself is locked, not a file in it: a lock file can be deleted while the first
        // server runs, and a second one would then lock a new file and open the same database.
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure.cannotCreate(url.path, String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw Failure.inUse(url.path)
        }
        self.url = url
        self.lockDescriptor = descriptor
    }

    deinit {
        // Closing the descriptor releases the lock.
        close(lockDescriptor)
    }

    /// The master key from the environment, else from the key file, which is created (mode 0600) on first start.
    public func loadOrCreateMasterKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> [UInt8]
    {
        if let encoded = environment[Self.masterKeyVariable] {
            guard let key = Data(base64Encoded: encoded.trimmingCharacters(in: .whitespacesAndNewlines)),
                key.count == 32
            else { throw Failure.badMasterKey("\(Self.masterKeyVariable) must be 32 bytes in base64") }
            return Array(key)
        }
        if FileManager.default.fileExists(atPath: masterKeyPath) {
            let text = try String(contentsOfFile: masterKeyPath, encoding: .utf8)
            guard let key = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count == 32
            else { throw Failure.badMasterKey("\(masterKeyPath) does not hold 32 bytes in base64") }
            return Array(key)
        }
        let key = SecretBox.generateMasterKey()
        try Self.writePrivateFile(masterKeyPath, contents: Data(key).base64EncodedString() + "\n")
        return key
    }

    /// Writes a file that only its owner can read: created with mode 0600, never widened.
    public static func writePrivateFile(_ path: String, contents: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure.cannotCreate(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        // An existing file keeps its mode on open; make sure it is 0600.
        fchmod(descriptor, 0o600)
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw Failure.cannotCreate(path, String(cString: strerror(errno))) }
    }
}
