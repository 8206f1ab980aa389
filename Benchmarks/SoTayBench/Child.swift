import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A built binary run as its user runs it, timed from spawn to exit, with its own peak memory.
///
/// Foundation's `Process` reaps the child itself and keeps its resource usage, so the suite
/// spawns and waits with `posix_spawn` and `wait4`: the kernel's `ru_maxrss` of exactly this
/// child (what `/usr/bin/time -v` prints as "Maximum resident set size").
struct Child {
    struct Outcome {
        var status: Int32
        /// Spawn to exit, or to the moment `until` appeared on standard output.
        var seconds: Double
        /// Peak resident set size, in kilobytes.
        var maxRSSKilobytes: Int
        var output: String
    }

    var executable: URL
    var arguments: [String]
    var environment: [String: String]

    /// The command as a volunteer would type it, for failure lines.
    var commandLine: String {
        ([executable.lastPathComponent] + arguments.map { $0.contains(" ") ? "\"\($0)\"" : $0 }).joined(separator: " ")
    }

    /// Runs to the end and requires a zero exit status; or, with `until`, requires that text.
    func succeed(until marker: String? = nil) throws -> Outcome {
        let outcome = try run(until: marker)
        guard marker != nil || outcome.status == 0 else {
            throw BenchFailure(command: commandLine, status: outcome.status, output: outcome.output)
        }
        return outcome
    }

    /// Runs to the end with empty standard input; or, with `until`, until that text appears on
    /// standard output, then stops the child (SIGTERM) and reports the time it took to appear.
    /// Standard error goes into `output` too: a failing command's message is what it said there.
    func run(until marker: String? = nil) throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else { throw BenchFailure.missing(executable) }
        var output: [Int32] = [0, 0]
        guard pipe(&output) == 0 else { throw BenchFailure("pipe: errno \(errno)") }
        let input = open("/dev/null", O_RDONLY)
        defer { close(input) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, output[1], 2)
        posix_spawn_file_actions_addclose(&actions, output[0])

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, envp)
        close(output[1])
        guard spawned == 0 else {
            close(output[0])
            throw BenchFailure("could not start \(executable.path): \(String(cString: strerror(spawned)))")
        }
        var seen = Data()
        var markedAt: UInt64?
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(output[0], &buffer, buffer.count)
            if count <= 0 { break }
            seen.append(contentsOf: buffer[0..<count])
            if let marker, markedAt == nil, String(decoding: seen, as: UTF8.self).contains(marker) {
                markedAt = DispatchTime.now().uptimeNanoseconds
                kill(pid, SIGTERM)
            }
        }
        close(output[0])
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let end = markedAt ?? DispatchTime.now().uptimeNanoseconds
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        if let marker, markedAt == nil {
            throw BenchFailure(command: commandLine, status: exitStatus, output: String(decoding: seen, as: UTF8.self),
                               what: "exited with status \(exitStatus) without printing “\(marker)”")
        }
        return Outcome(status: exitStatus, seconds: Double(end - start) / 1e9, maxRSSKilobytes: usage.ru_maxrss,
                       output: String(decoding: seen, as: UTF8.self))
    }
}

/// The peak resident memory of a running process, from /proc (the kernel's `VmHWM`), in kilobytes.
enum ProcMemory {
    static func peakKilobytes(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
    }
}

/// Percentiles of a sample, for latencies.
enum Percentile {
    static func of(_ sample: [Double], _ fraction: Double) -> Double {
        let sorted = sample.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
