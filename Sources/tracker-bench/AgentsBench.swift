import ArgumentParser
import Foundation
import Tracker

/// `tracker-bench agents`: an 8-run sweep trained by 1, 2 and 4 `tracker agent` processes on
/// one store (a fresh SQLite file per count, or the PostgreSQL database `--db` names): wall
/// time, and the share of the agents' time spent claiming runs and writing to the store (the
/// cost of sharing the queue; it must be negligible).
struct AgentsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents", abstract: "An 8-run sweep with 1, 2 and 4 agents: wall time, share spent claiming and recording.")

    @Option(help: "The tracker binary (default: the one beside this benchmark).")
    var tracker: String?

    @Option(help: "Agent counts to measure, comma-separated.")
    var agents = "1,2,4"

    @Option(help: ArgumentHelp("The store: a postgresql:// URL (or a file) shared by every count, each queueing its sweep under an experiment of its own (agents-bench-N-XXXX, left there); default: a fresh SQLite file per count.", valueName: "path"))
    var db: String?

    @Option(help: "Spirals samples each run trains on (1000…1000000). The default makes runs of about a second; --size 12000 --widths 32,48,64,96 makes runs of a fifth of one, a recording-bound worst case.")
    var size = 24_000

    @Option(help: "The four model widths of the grid, comma-separated (each 4…1024).")
    var widths = "64,128,192,256"

    static func sweep(experiment: String, size: Int, widths: [Int]) -> String {
        """
        experiment: \(experiment)
        seed: 2
        data: {source: spirals, size: \(size), classes: 3, noise: 0.3, validation: 0.2}
        model: {depth: 3, width: 64, activation: relu}
        optimizer: {type: adam, lr: 0.003}
        epochs: 6
        batch_size: 32
        logging: {checkpoint_every: 1, keep_checkpoints: 2}
        sweep:
          grid:
            optimizer.lr: [0.003, 0.01]
            model.width: [\(widths.map(String.init).joined(separator: ", "))]
        """
    }

    func run() throws {
        let binary = tracker ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tracker").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no tracker binary at \(binary); build it (swift build -c release --product tracker) or pass --tracker PATH")
        }
        let counts = agents.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ (1...16).contains($0) }) else { throw ValidationError("--agents takes counts 1…16, e.g. 1,2,4") }
        guard (1_000...1_000_000).contains(size) else { throw ValidationError("--size takes 1000…1000000 samples") }
        let grid = widths.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard grid.count == 4, grid.allSatisfy({ (4...1024).contains($0) }) else { throw ValidationError("--widths takes four widths 4…1024, e.g. 32,48,64,96") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-bench-agents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let storeKind = db.map { StoreLocation.isPostgres($0) ? "PostgreSQL \(StoreLocation.redacted($0))" : "SQLite \($0)" } ?? "SQLite, a fresh file per count"
        print("8-run sweep (spirals \(size), 3-layer MLP of width \(widths), 6 epochs, a checkpoint each), agents on one store (\(storeKind)); \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("agents  wall_s  claims_ms  writes_ms    held_ms  claim_share  write_share   held_share")
        let tag = String(UUID().uuidString.prefix(4)).lowercased()
        for n in counts {
            let store = db ?? dir.appendingPathComponent("q\(n).db").path
            let experiment = "agents-bench-\(n)-\(tag)"
            let config = dir.appendingPathComponent("sweep-\(n).yaml").path
            try Self.sweep(experiment: experiment, size: size, widths: grid).write(toFile: config, atomically: true, encoding: .utf8)
            _ = try Self.run(binary, ["sweep", "submit", config, "--db", store])
            let start = Date()
            let procs = try (0..<n).map { _ in try Self.start(binary, ["agent", "--db", store, "--experiment", experiment, "--until-empty"]) }
            let outputs = procs.map { p -> String in
                let out = p.1.fileHandleForReading.readDataToEndOfFile()
                p.0.waitUntilExit()
                return String(decoding: out, as: UTF8.self)
            }
            let wall = Date().timeIntervalSince(start)
            var claims = 0.0, writes = 0.0, held = 0.0, busy = 0.0
            for output in outputs {
                let c = Self.costs(output)
                claims += c.claims
                writes += c.writes
                held += c.held
                busy += c.lifetime
            }
            let finished = try Store(path: store, readOnly: true).queuedRuns(experiment: experiment).filter { $0.state == .done }.count
            guard finished == 8 else { throw ValidationError("only \(finished) of 8 runs finished with \(n) agents") }
            let claimShare: Double = 100 * claims / max(busy, 1e-9)
            let writeShare: Double = 100 * writes / max(busy, 1e-9)
            let heldShare: Double = 100 * held / max(busy, 1e-9)
            let fields: [String] = [CFormat.string("%6ld", n), CFormat.string("%6.2f", wall), CFormat.string("%9.1f", claims * 1000),
                                    CFormat.string("%9.1f", writes * 1000), CFormat.string("%9.1f", held * 1000),
                                    CFormat.string("%10.3f%%", claimShare), CFormat.string("%10.3f%%", writeShare), CFormat.string("%10.3f%%", heldShare)]
            print(fields.joined(separator: "  "))
        }
        print("shares of the agents' summed lifetimes. write: the recorders' store writes, on a queue of their own beside training;")
        print("held: the time training waited for the store (flushes, checkpoints, starting and finishing runs) — what recording cost the sweep.")
    }

    /// (claims, store writes, training held, lifetime) in seconds from an agent's last line:
    /// `… (claims 3 ms, store writes 120 ms, training held 20 ms of 9100 ms)`.
    static func costs(_ output: String) -> (claims: Double, writes: Double, held: Double, lifetime: Double) {
        guard let line = output.split(separator: "\n").last(where: { $0.contains("(claims ") }),
              let open = line.range(of: "(claims ") else { return (0, 0, 0, 0) }
        let numbers = line[open.upperBound...].split(whereSeparator: { !"0123456789".contains($0) }).compactMap { Double($0) }
        guard numbers.count >= 4 else { return (0, 0, 0, 0) }
        return (numbers[0] / 1000, numbers[1] / 1000, numbers[2] / 1000, numbers[3] / 1000)
    }

    static func start(_ binary: String, _ args: [String]) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        return (p, out)
    }

    @discardableResult
    static func run(_ binary: String, _ args: [String]) throws -> String {
        let (p, out) = try start(binary, args)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw ValidationError("tracker \(args.joined(separator: " ")) exited \(p.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}
