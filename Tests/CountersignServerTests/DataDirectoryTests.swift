import CountersignCore
import CountersignServer
import CountersignStore
import Foundation
import Testing

@Suite("Data directory")
struct DataDirectoryTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("countersign-data-\(UUID().uuidString)").path
    }

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test("a second server on the same folder is refused while the first holds it")
    func exclusive() throws {
        let path = temporaryPath()
        var first: DataDirectory? = try DataDirectory(path: path)
        #expect(throws: DataDirectory.Failure.self) { try DataDirectory(path: path) }
        #expect(first != nil)
        first = nil
        #expect(throws: Never.self) { try DataDirectory(path: path) }
    }

    @Test("the folder stays held when files in it are deleted, a leftover lock file among them")
    func exclusiveWhateverIsDeleted() throws {
        let path = temporaryPath()
        let first = try DataDirectory(path: path)
        // What an operator might delete by hand while the server runs.
        FileManager.default.createFile(atPath: first.url.appendingPathComponent("server.lock").path, contents: nil)
        for name in try FileManager.default.contentsOfDirectory(atPath: first.url.path) {
            try FileManager.default.removeItem(at: first.url.appendingPathComponent(name))
        }
        #expect(throws: DataDirectory.Failure.inUse(first.url.path)) { try DataDirectory(path: path) }
        withExtendedLifetime(first) {}
    }

    @Test("the master key is made once, mode 0600, and read back the same")
    func masterKey() throws {
        let path = temporaryPath()
        let key: [UInt8]
        do {
            let directory = try DataDirectory(path: path)
            key = try directory.loadOrCreateMasterKey(environment: [:])
            #expect(key.count == 32)
            #expect(try mode(directory.masterKeyPath) == 0o600)
            #expect(try mode(directory.url.path) == 0o700)
        }
        let again = try DataDirectory(path: path)
        #expect(try again.loadOrCreateMasterKey(environment: [:]) == key)
    }

    @Test("a master key from the environment wins, and a malformed one is refused")
    func masterKeyFromEnvironment() throws {
        let directory = try DataDirectory(path: temporaryPath())
        let key = SecretBox.generateMasterKey()
        let variable = DataDirectory.masterKeyVariable
        #expect(try directory.loadOrCreateMasterKey(environment: [variable: Data(key).base64EncodedString()]) == key)
        #expect(!FileManager.default.fileExists(atPath: directory.masterKeyPath))
        #expect(throws: DataDirectory.Failure.self) {
            try directory.loadOrCreateMasterKey(environment: [variable: "c2hvcnQ="])
        }
    }

    @Test("the first admin token is made once and saved with mode 0600")
    func adminTokenBootstrap() async throws {
        let directory = try DataDirectory(path: temporaryPath())
        let pool = try SQLiteDatabase.open(path: directory.databasePath)
        let tokens = AdminTokens(
            store: SQLiteRegistryStore(pool: pool, secrets: try SecretBox(masterKey: SecretBox.generateMasterKey())))
        let token = try #require(try await tokens.bootstrap(writingTo: directory.adminTokenPath, now: Date()))
        #expect(try String(contentsOfFile: directory.adminTokenPath, encoding: .utf8) == token + "\n")
        #expect(try mode(directory.adminTokenPath) == 0o600)
        #expect(try await tokens.isValid(token, now: Date()))
        #expect(try await !tokens.isValid(token + "x", now: Date()))
        #expect(try await tokens.bootstrap(writingTo: directory.adminTokenPath, now: Date()) == nil)
    }
}
