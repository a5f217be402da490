import Testing

@Suite("The benchmarks' command lines")
struct BenchmarkCommandLineTests {
    static let benchmarks = [
        "signin-benchmark", "push-benchmark", "otp-benchmark", "reactivation-benchmark", "report-benchmark",
        "radius-benchmark",
    ]

    @Test("--help lists the options and runs nothing", arguments: benchmarks)
    func help(_ benchmark: String) throws {
        let result = try Executables.run(benchmark, ["--help"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.hasPrefix("\(benchmark): "))
        #expect(result.output.contains("Options:") && result.output.contains("--help"))
        #expect(!result.output.contains("Running with"))
    }

    @Test("an unknown option or a value that is not a number is refused before anything runs", arguments: benchmarks)
    func refusals(_ benchmark: String) throws {
        let unknown = try Executables.run(benchmark, ["--bogus"])
        #expect(unknown.status == 2)
        #expect(unknown.errors.contains("unknown option '--bogus'"), "\(unknown.errors)")
        #expect(!unknown.output.contains("Running with"))
    }

    @Test("a number option given a word is refused with what it needs")
    func badNumber() throws {
        let result = try Executables.run("signin-benchmark", ["--devices", "many"])
        #expect(result.status == 2)
        #expect(result.errors.contains("--devices needs a whole number"), "\(result.errors)")
    }
}
