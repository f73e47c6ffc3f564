import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs programs from tests: pg_ctl and psql for the PostgreSQL fault tests, the Kafka fault broker's control script,
/// python3 for the Avro and search-syntax cross-checks.
///
/// Through posix_spawn and waitpid rather than Foundation's Process, which missed a child's exit here and waited
/// forever, and whose `run()` can read past a buffer while it lists /proc/self/fd (fixed upstream in
/// swift-corelibs-foundation #5472): a test run crashed with SIGSEGV there.
public enum Shell {
    /// Runs `command` with /bin/sh, its output discarded, on a thread of its own; returns its exit status.
    public static func run(_ command: String) async -> Int32 {
        await run(arguments: ["/bin/sh", "-c", command])
    }

    /// Runs `arguments` (the program looked up on PATH, no shell in between), its output discarded, on a thread
    /// of its own; returns its exit status.
    public static func run(arguments: [String]) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: spawn(arguments))
            }
        }
    }

    /// Runs `arguments` (the program looked up on PATH) with standard input, output and error on the files at
    /// these paths (output files are created or truncated), in `directory` if given, and waits for it on the
    /// calling thread; returns its exit status, or -1 if it could not be started.
    public static func spawn(
        _ arguments: [String], stdin: String = "/dev/null", stdout: String = "/dev/null", stderr: String = "/dev/null",
        directory: String? = nil
    ) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // A shell enters the directory: posix_spawn_file_actions_addchdir_np is not everywhere.
        let command = directory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0] + arguments } ?? arguments
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawnp(&pid, command[0], &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WEXITSTATUS: the exit code sits in bits 8–15 of the wait status.
        return (status >> 8) & 0xff
    }
}
