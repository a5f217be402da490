import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// The HTTP listener's certificate and key, read from PEM files and read again on `reload()`
/// (SIGHUP). Every TLS handshake takes the pair current at that moment, through NIOSSL's
/// per-connection callback, so a renewed certificate is served from the next connection on and the
/// connections already open are left as they are.
public final class ServerCertificate: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let current: Mutex<Pair>

    struct Pair: @unchecked Sendable {
        // NIOSSL's certificate and key types are immutable wrappers of BoringSSL objects.
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
    }

    /// A certificate or key that cannot be used, in words an operator can act on.
    public struct Unusable: Error, CustomStringConvertible {
        public let description: String
    }

    public init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        current = Mutex(try Self.read(certificatePath: certificatePath, keyPath: keyPath))
    }

    /// Reads both files again. On any error the pair in use stays, and the error says why.
    public func reload() throws {
        let pair = try Self.read(certificatePath: certificatePath, keyPath: keyPath)
        current.withLock { $0 = pair }
    }

    static func read(certificatePath: String, keyPath: String) throws -> Pair {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw Unusable(description: "cannot read the TLS certificate \(certificatePath) as PEM (\(error))")
        }
        guard let leaf = chain.first else {
            throw Unusable(description: "the TLS certificate file \(certificatePath) holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw Unusable(description: "cannot read the TLS private key \(keyPath) as PEM (\(error))")
        }
        // A key that does not belong to the certificate would fail every handshake; say so now.
        var probe = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(leaf)], privateKey: .privateKey(key))
        probe.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: probe)
        } catch {
            throw Unusable(
                description:
                    "the TLS private key \(keyPath) does not match the certificate \(certificatePath) (\(error))")
        }
        return Pair(chain: chain, key: key)
    }

    /// TLS 1.2 and later, HTTP/2 and HTTP/1.1 offered by ALPN, and the current pair for each
    /// handshake.
    public var tlsConfiguration: TLSConfiguration {
        let pair = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: pair.chain.map { .certificate($0) }, privateKey: .privateKey(pair.key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["h2", "http/1.1"]
        configuration.sslContextCallback = { [self] _, promise in
            let pair = current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.key)
            promise.succeed(override)
        }
        return configuration
    }
}
