import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `tracker` binary (it sits beside the test bundle in the build folder).
enum CLI {
    static var binary: URL {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ]
        for dir in candidates {
            let url = dir.appendingPathComponent("tracker")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("tracker")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `tracker args…` to completion.
    @discardableResult
    static func run(_ args: [String], environment: [String: String] = [:], cwd: URL? = nil) throws -> Result {
        try run(executable: binary, args, environment: environment, cwd: cwd)
    }

    /// Runs any executable to completion, reading stdout and stderr at the same time: reading
    /// one to its end first deadlocks once the child fills the other pipe's buffer (64 KiB).
    static func run(executable: URL, _ args: [String], environment: [String: String] = [:], cwd: URL? = nil) throws -> Result {
        let p = try start(executable: executable, args, environment: environment, cwd: cwd)
        let err = PipeDrain(p.stderr)
        let out = p.stdout.fileHandleForReading.readDataToEndOfFile()
        p.process.waitUntilExit()
        return Result(status: p.process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err.wait(), as: UTF8.self))
    }

    struct Running {
        let process: Process
        let stdout: Pipe
        let stderr: Pipe
    }

    /// Starts `tracker args…` in the background.
    static func start(_ args: [String], environment: [String: String] = [:], cwd: URL? = nil) throws -> Running {
        try start(executable: binary, args, environment: environment, cwd: cwd)
    }

    static func start(executable: URL, _ args: [String], environment: [String: String] = [:], cwd: URL? = nil) throws -> Running {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return Running(process: p, stdout: out, stderr: err)
    }
}

final class TempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-cli-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeDrain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()  // written by the reading thread before `done` is signalled, read after

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// Reads lines from a pipe until one satisfies `predicate`, the pipe closes, or `timeout` passes
/// (the wait is a `poll` with the time left, so a silent child cannot hold the caller past it).
func waitForLine(_ pipe: Pipe, timeout: TimeInterval = 120, _ predicate: (String) -> Bool) -> Bool {
    let fd = pipe.fileHandleForReading.fileDescriptor
    var buffer = ""
    let deadline = Date().addingTimeInterval(timeout)
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let left = deadline.timeIntervalSinceNow
        if left <= 0 { return false }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, Int32(min(left * 1000 + 1, 60_000)))
        if ready < 0 && errno == EINTR { continue }
        if ready <= 0 { continue }
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return false }
        buffer += String(decoding: chunk[0..<n], as: UTF8.self)
        while let nl = buffer.firstIndex(of: "\n") {
            let line = String(buffer[..<nl])
            buffer.removeSubrange(...nl)
            if predicate(line) { return true }
        }
    }
}
