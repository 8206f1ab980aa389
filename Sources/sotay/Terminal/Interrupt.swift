import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C during a guided walk: every accepted answer is already committed, so the walk ends as
/// "thoát" does, saying the same line, instead of vanishing mid-question.
enum Interrupt {
    /// The line to print, kept as C bytes: a signal handler may not allocate.
    nonisolated(unsafe) private static var message: UnsafeMutablePointer<CChar>?

    /// From now on, Ctrl-C prints `line` and exits with 130 (the shell's code for Ctrl-C).
    static func sayOnInterrupt(_ line: String) {
        let old = message
        message = strdup("\n" + line + "\n")
        free(old)
        // Started with SIGINT blocked (some launchers do), Ctrl-C would do nothing at all.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        sigprocmask(SIG_UNBLOCK, &interrupt, nil)
        // Readline catches SIGINT while it reads, restores the terminal, then calls this.
        signal(SIGINT) { _ in
            if let message = Interrupt.message { _ = write(STDOUT_FILENO, message, strlen(message)) }
            _exit(130)
        }
    }

    /// Ctrl-C ends the program as usual again.
    static func reset() {
        signal(SIGINT, SIG_DFL)
    }
}
