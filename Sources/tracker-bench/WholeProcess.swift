import ArgumentParser
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

extension MeasuredProcess {
    /// `run`, throwing with the output when the process exits non-zero.
    static func runChecked(_ executable: String, _ arguments: [String], what: String) throws -> MeasuredProcess {
        let p = try run(executable, arguments)
        guard p.status == 0 else { throw BenchError("\(what) failed (\(p.status)):\n\(p.output)") }
        return p
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// What both whole-process benchmarks share: the two executables and whether the peer runs.
struct WholeProcessOptions: ParsableArguments {
    @Option(help: "The tracker executable (a release build).")
    var tracker = ".build/release/tracker"
    @Option(help: "Python with torch installed.")
    var python = "/tmp/peers-venv/bin/python"
    @Flag(help: "Skip the PyTorch peer.")
    var skipPeer = false

    func check(repeats: Int) throws {
        guard (1...100).contains(repeats) else { throw ValidationError("--repeats must be in 1…100, got \(repeats)") }
    }

    /// Runs `tracker train config trainArguments` into a fresh store and `python peer…`,
    /// alternating, `repeats` times; `extraOurs` / `extraPeer` read a figure (test accuracy)
    /// from each side after its run.
    func measure(config: String, trainArguments: [String] = [], repeats: Int, peer: [String],
                 extraOurs: ((String) throws -> Double)? = nil,
                 extraPeer: ((MeasuredProcess) -> Double?)? = nil) throws -> WholeProcessFigures {
        guard FileManager.default.isExecutableFile(atPath: tracker) else {
            throw BenchError("\(tracker) is not an executable; build it: swift build -c release --product tracker")
        }
        var ours = WholeProcessFigures.Side(), theirs = WholeProcessFigures.Side()
        for i in 1...repeats {
            let dir = NSTemporaryDirectory() + "tracker-bench-process-\(getpid())-\(i)"
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let db = dir + "/bench.db"
            let t = try MeasuredProcess.runChecked(tracker, ["train", config, "--db", db] + trainArguments, what: "tracker train")
            ours.add(t)
            if let extraOurs { ours.extra.append(try extraOurs(db)) }
            Swift.print(String(format: "tracker %d: wall %.2f s, peak RSS %.0f MB", i, t.wallSeconds, t.peakRSSMegabytes))
            guard !skipPeer else { continue }
            let p = try MeasuredProcess.runChecked(python, peer, what: "the PyTorch peer")
            theirs.add(p)
            if let e = extraPeer?(p) { theirs.extra.append(e) }
            Swift.print(String(format: "PyTorch %d: wall %.2f s, peak RSS %.0f MB", i, p.wallSeconds, p.peakRSSMegabytes))
        }
        return WholeProcessFigures(ours: ours, peer: theirs.walls.isEmpty ? nil : theirs)
    }
}

/// Medians of alternating whole-process measurements of tracker and its peer.
struct WholeProcessFigures {
    struct Side {
        var walls: [Double] = [], rsses: [Double] = [], extra: [Double] = []
        var wall: Double { median(walls) }
        var rss: Double { median(rsses) }
        mutating func add(_ p: MeasuredProcess) { walls.append(p.wallSeconds); rsses.append(p.peakRSSMegabytes) }
    }
    var ours: Side
    var peer: Side?

    func print(label: String, extraName: String? = nil, bars: [(String, (Side, Side?) -> Bool?)]) {
        func describe(_ s: Side) -> String {
            var line = String(format: "wall %.2f s (%.2f–%.2f), peak RSS %.0f MB (%.0f–%.0f)", s.wall, s.walls.min() ?? 0, s.walls.max() ?? 0,
                              s.rss, s.rsses.min() ?? 0, s.rsses.max() ?? 0)
            if let extraName, !s.extra.isEmpty {
                line += String(format: ", %@ %.4f (%@)", extraName, median(s.extra), s.extra.map { String(format: "%.4f", $0) }.joined(separator: ", "))
            }
            return line
        }
        Swift.print("\nsummary (median of \(ours.walls.count); range in brackets)")
        Swift.print("  \(label): \(describe(ours))")
        if let p = peer {
            Swift.print("  PyTorch: \(describe(p))")
            Swift.print(String(format: "  ratio: %.2f× faster (tracker wall %.2f of PyTorch's), memory %.2f× of PyTorch's",
                               p.wall / ours.wall, ours.wall / p.wall, ours.rss / p.rss))
        }
        for (name, test) in bars {
            guard let ok = test(ours, peer) else { continue }
            Swift.print("  bar \(name): \(ok ? "met" : "NOT met")")
        }
    }
}

/// The JSON object of a peer script's last `RESULT {…}` line.
func peerResult(_ output: String) -> [String: Any]? {
    guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }) else { return nil }
    return try? JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8)) as? [String: Any]
}
