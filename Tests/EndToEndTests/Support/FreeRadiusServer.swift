import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real FreeRADIUS (Debian's `freeradius`) on a free loopback port, as the first-factor server a
/// RADIUS client forwards passwords to. Its configuration is written fresh for each test: one
/// client (Countersign, on loopback) and a users file.
final class FreeRadiusServer {
    let port: Int
    let secret: String
    let folder: URL
    let process: Executables.Running

    /// `users` is FreeRADIUS's users file (`name Cleartext-Password := "..."` and reply attributes).
    init(secret: String, users: String) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("freeradius-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        port = try Executables.freePort(udp: true)
        self.secret = secret
        let directory = folder.path
        try users.write(to: folder.appendingPathComponent("users"), atomically: true, encoding: .utf8)
        try "".write(to: folder.appendingPathComponent("dictionary"), atomically: true, encoding: .utf8)
        try """
        prefix = /usr
        exec_prefix = /usr
        sysconfdir = /etc
        localstatedir = /var
        sbindir = /usr/sbin
        logdir = \(directory)
        raddbdir = \(directory)
        radacctdir = \(directory)
        name = freeradius
        confdir = \(directory)
        modconfdir = \(directory)
        run_dir = \(directory)
        db_dir = \(directory)
        libdir = /usr/lib/freeradius
        dictdir = /usr/share/freeradius
        pidfile = \(directory)/radiusd.pid
        max_request_time = 30
        cleanup_delay = 5
        max_requests = 1024
        hostname_lookups = no
        log {
          destination = stdout
        }
        security {
          allow_core_dumps = no
        }
        thread pool {
          start_servers = 1
          max_servers = 4
          min_spare_servers = 1
          max_spare_servers = 4
        }
        client countersign {
          ipaddr = 127.0.0.1
          secret = \(secret)
        }
        modules {
          files {
            filename = \(directory)/users
          }
          pap {
          }
        }
        server default {
          listen {
            type = auth
            ipaddr = 127.0.0.1
            port = \(port)
          }
          authorize {
            files
            pap
          }
          authenticate {
            pap
          }
        }

        """.write(to: folder.appendingPathComponent("radiusd.conf"), atomically: true, encoding: .utf8)
        process = try Executables.start("/usr/sbin/freeradius", ["-f", "-d", directory, "-l", "stdout"])
        guard try await process.waitForOutput(containing: "Ready to process requests", timeout: .seconds(20)) else {
            kill(process.process.processIdentifier, SIGKILL)
            throw FreeRadiusFailure(log: process.output + ((try? process.result().errors) ?? ""))
        }
    }

    struct FreeRadiusFailure: Error, CustomStringConvertible {
        let log: String
        var description: String { "FreeRADIUS did not start:\n\(log)" }
    }

    /// SIGKILL: a child of the test runner inherits its blocked signals, and FreeRADIUS, unlike our
    /// own executables, does not unblock SIGTERM, so it would never see one.
    func stop() {
        kill(process.process.processIdentifier, SIGKILL)
        process.process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}
