// swift-tools-version: 6.1
import PackageDescription

let strictSwift6: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Countersign",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "countersign", targets: ["countersign"]),
        .executable(name: "countersign-phone", targets: ["countersign-phone"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // Domain types and rules, no I/O.
        .target(
            name: "CountersignCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6
        ),
        // Storage roles and their two backends: SQLite (embedded) and PostgreSQL (several nodes).
        .target(
            name: "CountersignStore",
            dependencies: [
                "CountersignCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        // Push delivery: APNs and FCM wire protocols, provider credentials, retry rules.
        .target(
            name: "CountersignPush",
            dependencies: [
                "CountersignCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            swiftSettings: strictSwift6
        ),
        // JSON over HTTP with AsyncHTTPClient, for the operator's command line and the phone simulator.
        .target(
            name: "CountersignClient",
            dependencies: [
                "CountersignCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSwift6
        ),
        // HTTP API and background services.
        .target(
            name: "CountersignServer",
            dependencies: [
                "CountersignCore",
                "CountersignStore",
                "CountersignPush",
                "CountersignPKI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // The RADIUS front end (RFC 2865, 3579, 5997) beside the HTTP one: the same sign-in use cases.
        .target(
            name: "CountersignRADIUS",
            dependencies: [
                "CountersignCore",
                "CountersignStore",
                "CountersignServer",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // The server and the operator's command line.
        .executableTarget(
            name: "countersign",
            dependencies: [
                "CountersignCore",
                "CountersignClient",
                "CountersignServer",
                "CountersignStore",
                "CountersignRADIUS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        // A development certificate authority, for the gateway emulator and the server's --dev TLS.
        .target(
            name: "CountersignPKI",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6
        ),
        // The phone simulator: a separate app that only speaks the protocol (never Server or Store).
        .target(
            name: "CountersignPhoneKit",
            dependencies: ["CountersignCore", "CountersignClient", .product(name: "Crypto", package: "swift-crypto")],
            path: "Simulator/CountersignPhoneKit",
            swiftSettings: strictSwift6
        ),
        // The push gateway emulator: APNs, FCM and OAuth2 endpoints over HTTP/2 and TLS.
        .target(
            name: "CountersignGateway",
            dependencies: [
                "CountersignCore",
                "CountersignClient",
                "CountersignPKI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Simulator/CountersignGateway",
            swiftSettings: strictSwift6
        ),
        .executableTarget(
            name: "countersign-phone",
            dependencies: [
                "CountersignPhoneKit",
                "CountersignGateway",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Simulator/countersign-phone",
            swiftSettings: strictSwift6
        ),
        // Load and speed measurements (not run as tests); figures in BENCHMARKS.md.
        .executableTarget(
            name: "push-benchmark",
            dependencies: [
                "BenchmarkSupport", "CountersignServer", "CountersignStore", "CountersignPush", "CountersignCore",
                "CountersignClient",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/PushThroughput",
            swiftSettings: strictSwift6
        ),
        // What the benchmarks share: the gateway emulator as a process, options, percentiles.
        .target(
            name: "BenchmarkSupport",
            path: "Benchmarks/Support",
            swiftSettings: strictSwift6
        ),
        .executableTarget(
            name: "signin-benchmark",
            dependencies: [
                "BenchmarkSupport", "CountersignServer", "CountersignStore", "CountersignCore", "CountersignPhoneKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/SignInThroughput",
            swiftSettings: strictSwift6
        ),
        .executableTarget(
            name: "otp-benchmark",
            dependencies: [
                "BenchmarkSupport", "CountersignCore", "CountersignStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Benchmarks/OneTimeCodes",
            swiftSettings: strictSwift6
        ),
        .executableTarget(
            name: "reactivation-benchmark",
            dependencies: [
                "BenchmarkSupport", "CountersignCore", "CountersignStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/Reactivation",
            swiftSettings: strictSwift6
        ),
        .executableTarget(
            name: "report-benchmark",
            dependencies: [
                "BenchmarkSupport", "CountersignCore", "CountersignStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/Reports",
            swiftSettings: strictSwift6
        ),
        .executableTarget(
            name: "radius-benchmark",
            dependencies: [
                "BenchmarkSupport", "CountersignCore", "CountersignStore", "CountersignRADIUS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/RADIUS",
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "CountersignCoreTests",
            dependencies: ["CountersignCore"],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "CountersignPushTests",
            dependencies: [
                "CountersignPush",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6
        ),
        // Runs the gateway emulator on a loopback port for tests.
        .target(
            name: "GatewayTestSupport",
            dependencies: [
                "CountersignPush", "CountersignGateway", "CountersignCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Tests/GatewayTestSupport",
            swiftSettings: strictSwift6
        ),
        // Push delivery over real HTTP/2 and TLS to the gateway emulator.
        .testTarget(
            name: "PushDeliveryTests",
            dependencies: [
                "CountersignPush", "CountersignGateway", "CountersignCore", "CountersignPhoneKit", "GatewayTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "CountersignRADIUSTests",
            dependencies: [
                "CountersignRADIUS", "CountersignServer", "CountersignCore", "CountersignStore", "CountersignPhoneKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "CountersignStoreTests",
            dependencies: ["CountersignStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "CountersignServerTests",
            dependencies: [
                "CountersignServer",
                "CountersignPhoneKit",
                "CountersignPush",
                "CountersignGateway",
                "GatewayTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        // Starts the real executables as separate processes.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "countersign", "countersign-phone", "CountersignPhoneKit", "CountersignClient", "CountersignPush",
                // Their command lines are tested too (BenchmarkCommandLineTests).
                "signin-benchmark", "push-benchmark", "otp-benchmark", "reactivation-benchmark", "report-benchmark",
                "radius-benchmark",
                "CountersignGateway",
                // The fuzz test makes and mutates packets with the RADIUS codec.
                "CountersignRADIUS",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6
        ),
    ]
)
