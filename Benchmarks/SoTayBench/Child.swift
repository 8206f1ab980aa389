import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A built binary run as its user runs it, timed from spawn to exit, with its own peak memory
/// when asked (`measuresMemory`).
///
/// The suite spawns with `posix_spawn` and waits with `wait4`. The peak memory is not the
/// `ru_maxrss` that `wait4` returns: glibc's `posix_spawn` starts the child in the parent's
/// memory (`CLONE_VM | CLONE_VFORK`), and at `execve` the kernel keeps that memory's high-water
/// mark as the child's `maxrss`, so a child spawned by this 200 MB process reported 200 MB
/// whatever it used itself. `measuresMemory` runs the command under GNU `time` instead, which
/// forks from its own small memory and reports exactly the command's peak ("%M").
struct Child {
    struct Outcome {
        var status: Int32
        /// Spawn to exit, or to the moment `until` appeared on standard output.
        var seconds: Double
        /// Peak resident set size, in kilobytes, when `measuresMemory`.
        var maxRSSKilobytes: Int?
        var output: String
    }

    var executable: URL
    var arguments: [String]
    var environment: [String: String]
    /// Run under `/usr/bin/time` for the peak memory (a fork and an exec more: not for latencies).
    var measuresMemory = false

    init(executable: URL, arguments: [String], environment: [String: String], measuresMemory: Bool = false) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.measuresMemory = measuresMemory
    }

    static let gnuTime = URL(fileURLWithPath: "/usr/bin/time")

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

        let memoryFile = FileManager.default.temporaryDirectory.appending(path: "sotay-bench-rss-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: memoryFile) }
        let program = measuresMemory ? Self.gnuTime : executable
        if measuresMemory {
            guard marker == nil else { throw BenchFailure("peak memory is measured for commands that run to their end, not until a marker") }
            guard FileManager.default.isExecutableFile(atPath: Self.gnuTime.path) else { throw BenchFailure.missing(Self.gnuTime) }
        }
        let commandArguments = measuresMemory ? [Self.gnuTime.path, "-f", "%M", "-o", memoryFile.path, executable.path] + arguments : [executable.path] + arguments
        let argv = commandArguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let spawned = posix_spawn(&pid, program.path, &actions, nil, argv, envp)
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
        var peak: Int?
        if measuresMemory {
            // GNU time writes "Command exited with non-zero status N" before the figure when it fails.
            let written = (try? String(contentsOf: memoryFile, encoding: .utf8)) ?? ""
            peak = written.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard peak != nil else { throw BenchFailure(command: commandLine, status: exitStatus, output: written, what: "left no peak memory from /usr/bin/time") }
        }
        return Outcome(status: exitStatus, seconds: Double(end - start) / 1e9, maxRSSKilobytes: peak,
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

/// CPU time a process has used (user + system), from /proc: where an ingest's time goes, the
/// hub's share against the clients', measured in every run instead of guessed.
enum ProcCPU {
    /// Seconds of CPU used so far by `pid` (all its threads), or nil once it is gone.
    static func seconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After the command name in parentheses: state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }

    /// This process's own CPU time.
    static func ownSeconds() -> Double {
        seconds(pid: getpid()) ?? 0
    }

    /// CPU time the whole machine has been busy (every process and the kernel), from /proc/stat.
    static func machineBusySeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return 0 }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 5 else { return 0 }
        // user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
        return (ticks.prefix(8).reduce(0, +) - ticks[3] - ticks[4]) / ticksPerSecond
    }

    static let cores = ProcessInfo.processInfo.activeProcessorCount
    static let ticksPerSecond = Double(max(sysconf(Int32(_SC_CLK_TCK)), 1))
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
