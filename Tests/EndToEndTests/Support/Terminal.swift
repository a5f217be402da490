import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program running in a real terminal: a detached tmux session on its own socket, typed into
/// with send-keys and read with capture-pane.
struct Terminal {
    let socket = "countersign-test-\(UUID().uuidString.prefix(8))"
    let session = "phone"

    static var tmuxPath: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `command` (a shell command line); the pane stays after it ends so its last words can be read.
    func start(_ command: String, width: Int = 160) throws {
        try tmux(["new-session", "-d", "-s", session, "-x", String(width), "-y", "50", command + "; sleep 60"])
    }

    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", session, "-l", text])
        try tmux(["send-keys", "-t", session, "Enter"])
    }

    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", session, "-S", "-200"])
    }

    /// The screen with lines the terminal wrapped joined again: what the program wrote per line.
    func joinedScreen() throws -> String {
        try tmux(["capture-pane", "-p", "-J", "-t", session, "-S", "-200"])
    }

    /// Waits until the screen shows `text`, or fails with what it shows.
    func waitFor(_ text: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let shown = try screen()
            if shown.contains(text) { return shown }
            try await Task.sleep(for: .milliseconds(100))
        }
        // One look after the deadline: a sleep that a busy test pool resumed late must not skip it.
        let shown = try screen()
        if shown.contains(text) { return shown }
        throw ServerFailure(message: "the terminal never showed '\(text)':\n\(shown)")
    }

    /// Stops the tmux server. It is killed by pid too: it holds descriptors inherited from the test
    /// process and was seen to outlive kill-server.
    func close() {
        let pid = (try? tmux(["display-message", "-p", "#{pid}"])).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        _ = try? tmux(["kill-server"])
        if let pid { kill(pid, SIGKILL) }
    }

    /// Runs one tmux command and returns what it printed.
    ///
    /// posix_spawn and waitpid rather than Foundation's Process: the tmux server that `new-session`
    /// forks inherits the descriptor Process watches for the child's exit, so Process would wait
    /// for as long as that server lives.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        guard let path = Self.tmuxPath else { throw ServerFailure(message: "tmux is not installed") }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path, "-L", socket] + arguments).map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + environment).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, environment) == 0 else {
            throw ServerFailure(message: "cannot start tmux")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED and WEXITSTATUS, spelled out: the C macros are not imported.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw ServerFailure(message: "tmux \(arguments.first ?? "") failed (wait status \(status))")
        }
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }
}
