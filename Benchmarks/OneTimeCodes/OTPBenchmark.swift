import BenchmarkSupport
import CountersignCore
import CountersignStore
import Foundation

/// Two figures for one-time codes (issue #5):
/// - TOTP verifications per second on one core: open nothing, just what every check does — build
///   the token's HMAC key, then look for the code in the window of one step either side.
/// - The time to import a PSKC file of encrypted tokens: read and check the file (AES-128-CBC values
///   under a pre-shared key, an HMAC-SHA1 MAC on each), then seal and store every token in one
///   transaction in a real SQLite file with `synchronous = FULL`.
///
///     swift build -c release --product otp-benchmark
///     .build/release/otp-benchmark [--verifications 2000000] [--tokens 100000]
@main
struct OTPBenchmark {
    static func main() async throws {
        let arguments = Arguments(
            benchmark: "otp-benchmark", summary: "TOTP checks and a PSKC import",
            options: [
                .number("--verifications", 2_000_000, "TOTP codes to check"),
                .number("--tokens", 100_000, "tokens in the PSKC file to import"),
            ])
        try verifications(count: arguments.int("--verifications"))
        try await pskcImport(tokens: arguments.int("--tokens"))
    }

    static func verifications(count: Int) throws {
        // 1,000 tokens, each asked for its current code; a tenth of the attempts are wrong codes,
        // which cost the most (every step in the window is computed).
        let now = Date()
        let tokens = (0..<1000).map { _ in SecureRandom.bytes(20) }
        let codes = try tokens.enumerated().map { index, secret in
            let right = TOTP(hotp: try HOTP(secret: secret)).code(at: now)
            return index % 10 == 0 ? String(right.reversed()) : right
        }
        var accepted = 0
        let start = ContinuousClock.now
        for index in 0..<count {
            let slot = index % tokens.count
            let totp = TOTP(hotp: try HOTP(secret: tokens[slot]))
            if totp.matchingStep(for: codes[slot], at: now, window: 1) != nil { accepted += 1 }
        }
        let elapsed = (ContinuousClock.now - start).seconds
        print("TOTP verifications (one core, window ±1, 10% wrong codes)")
        print("  \(count) verifications in \(format(elapsed)) s: \(Int(Double(count) / elapsed)) per second")
        print("  accepted \(accepted)")
    }

    static func pskcImport(tokens count: Int) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("otp-benchmark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = SecureRandom.bytes(16)
        let file = folder.appendingPathComponent("tokens.pskcxml")
        try PSKCFileWriter.write(tokens: count, preSharedKey: key, to: file)
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0

        let store = SQLiteRegistryStore(
            pool: try SQLiteDatabase.open(path: folder.appendingPathComponent("countersign.sqlite").path),
            secrets: try SecretBox(masterKey: SecretBox.generateMasterKey()))
        let start = ContinuousClock.now
        let seeds = try PSKC.parse(try Data(contentsOf: file), decryption: PSKCDecryption(preSharedKey: key))
        let parsed = ContinuousClock.now
        let stored = try await store.importTokens(seeds, now: Date())
        let end = ContinuousClock.now
        print("PSKC import (\(count) tokens, AES-128-CBC + HMAC-SHA1, \(size / 1_048_576) MiB)")
        print("  read, decrypted and checked: \(format((parsed - start).seconds)) s")
        print("  sealed and stored:           \(format((end - parsed).seconds)) s (\(stored) rows)")
        print("  total:                       \(format((end - start).seconds)) s")
    }
}
