import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs shell commands from tests (pg_ctl for the PostgreSQL fault tests, the Kafka fault broker's control
/// script).
public enum Shell {
    /// Runs `command` with /bin/sh, its output discarded, and returns its exit status. posix_spawn and waitpid
    /// on a thread of its own: Foundation's Process missed a child's exit here and waited forever.
    public static func run(_ command: String) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var pid = pid_t()
                let arguments = ["/bin/sh", "-c", command + " >/dev/null 2>&1"]
                let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
                defer { argv.forEach { free($0) } }
                guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else {
                    return continuation.resume(returning: -1)
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                // WEXITSTATUS: the exit code sits in bits 8–15 of the wait status.
                continuation.resume(returning: (status >> 8) & 0xff)
            }
        }
    }
}
