import CountersignCore
import Testing

@Suite("Both executables tell their version")
struct VersionTests {
    @Test("countersign --version and countersign-phone --version print the release and exit 0")
    func version() throws {
        for name in ["countersign", "countersign-phone"] {
            let result = try Executables.run(name, ["--version"])
            #expect(result.status == 0, "\(name): \(result.errors)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == CountersignVersion.current)
        }
    }
}
