import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One child process measured from outside: wall time from spawn to exit, and its peak
/// resident set (`ru_maxrss` from `wait4`, which Foundation's `Process` does not expose).
struct MeasuredProcess {
    var wallSeconds: Double
    var peakRSSMegabytes: Double
    var status: Int32
    var output: String

    /// Runs `executable` with `arguments`; stdout and stderr go to a file that is read back
    /// into `output`.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> MeasuredProcess {
        let log = NSTemporaryDirectory() + "tracker-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv { free(p) }; for p in envp { free(p) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return MeasuredProcess(wallSeconds: wall, peakRSSMegabytes: Double(usage.ru_maxrss) / 1024,
                               status: exit, output: output)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
