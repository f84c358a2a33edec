import Foundation
import Testing
@testable import Tracker
@testable import Trainer

/// Raises the interrupt flag once training reaches `step`, as Ctrl-C would.
private final class InterruptAt: ProgressReporter {
    let step: Int
    let flag: InterruptFlag
    init(step: Int, flag: InterruptFlag) { self.step = step; self.flag = flag }
    func report(_ update: ProgressUpdate) {
        if case .step(_, _, let s, _, _) = update, s >= step { flag.raise(SIGINT) }
    }
}

/// Damaged and forged checkpoint payloads, generated from a real one with a seeded stream.
/// Each is a payload an attacker or a broken disk could produce; every one must be refused.
enum Forgery: CaseIterable {
    case counter, lossSum, shape, truncation, bitFlip, zeroStream, nonFinite, alertBytes, missingEntry, wrongKind, garbage

    static let counters: [(String, Int)] = [("data.iterator", 0), ("data.iterator", 1), ("loop.counters", 0), ("loop.counters", 1),
                                            ("loop.counters", 2), ("loop.counters", 3), ("loop.counters", 4),
                                            ("optimizer.step", 0), ("schedule.step", 0)]

    /// A value for counter `index` of `name` that no run can have: huge, negative (two's
    /// complement), or off by some amount where the counters must agree with one another.
    static func impossible(_ original: UInt64, epoch: UInt64, name: String, index: Int, rng: inout RandomStream) -> UInt64 {
        let r = rng.nextInt(below: 5)
        switch r {
        case 0: return UInt64.max
        case 1: return UInt64(Int64.max) + UInt64(rng.nextInt(below: 1000))
        case 2: return UInt64(bitPattern: -Int64(1 + rng.nextInt(below: 1 << 20)))
        case 3: return rng.next() | (1 << 40)
        default:
            // Counters bounded by the epoch (best epoch, epochs since best, rising epochs) must
            // exceed it; the others must merely differ from what the rest of the state implies.
            if name == "loop.counters" && index >= 2 { return epoch + 1 + UInt64(rng.nextInt(below: 1000)) }
            return original &+ 1 &+ UInt64(rng.nextInt(below: 1000))
        }
    }

    func apply(to payload: [UInt8], rng: inout RandomStream) throws -> [UInt8] {
        var dict = try StateDict(payload: payload)
        let tensors = dict.names.filter { if case .tensor? = dict[$0] { return true } else { return false } }
        let epoch = dict.words("loop.counters")?.first ?? 0
        switch self {
        case .counter:
            let (name, index) = Forgery.counters[rng.nextInt(below: Forgery.counters.count)]
            var words = dict.words(name) ?? []
            words[index] = Forgery.impossible(words[index], epoch: epoch, name: name, index: index, rng: &rng)
            dict.setWords(name, words)
        case .lossSum:
            var values = dict.scalars("loop.values") ?? []
            values[0] = [Double.nan, .infinity, -.infinity, -1 - rng.nextDouble()][rng.nextInt(below: 4)]
            dict.setScalars("loop.values", values)
        case .shape:
            let name = tensors[rng.nextInt(below: tensors.count)]
            guard case .tensor(var shape, var values)? = dict[name] else { break }
            let row = shape.dropFirst().reduce(1, *)
            if rng.nextInt(below: 2) == 0 || shape[0] < 2 { shape[0] += 1; values += [Float](repeating: 0.5, count: row) }
            else { shape[0] -= 1; values.removeLast(row) }
            dict[name] = .tensor(shape: shape, values: values)
        case .truncation:
            return Array(payload.prefix(rng.nextInt(below: payload.count)))
        case .bitFlip:
            var bytes = payload
            bytes[rng.nextInt(below: bytes.count)] ^= UInt8(1 << rng.nextInt(below: 8))
            return bytes
        case .zeroStream:
            if rng.nextInt(below: 2) == 0 {
                var words = dict.words("random") ?? []
                let start = 4 * rng.nextInt(below: 4)
                for i in start..<(start + 4) { words[i] = 0 }
                dict.setWords("random", words)
            } else {
                var words = dict.words("data.iterator") ?? []
                let start = rng.nextInt(below: 2) == 0 ? 2 : 6
                for i in start..<(start + 4) { words[i] = 0 }
                dict.setWords("data.iterator", words)
            }
        case .nonFinite:
            let name = tensors[rng.nextInt(below: tensors.count)]
            guard case .tensor(let shape, var values)? = dict[name] else { break }
            values[rng.nextInt(below: values.count)] = [Float.nan, .infinity, -.infinity][rng.nextInt(below: 3)]
            dict[name] = .tensor(shape: shape, values: values)
        case .alertBytes:
            let bad: [UInt64] = rng.nextInt(below: 2) == 0 ? [300 + UInt64(rng.nextInt(below: 1000)), 0] : [0xFF, 0xFE, 0]
            dict.setWords("loop.alerted", (dict.words("loop.alerted") ?? []) + bad)
        case .missingEntry:
            let required = ["data.iterator", "loop.counters", "loop.values", "loop.alerted", "optimizer.step", "schedule.step", "random"] + tensors
            dict[required[rng.nextInt(below: required.count)]] = nil
        case .wrongKind:
            let name = (["data.iterator", "loop.counters", "optimizer.step", "random"] + tensors)[rng.nextInt(below: 4 + tensors.count)]
            if case .tensor? = dict[name] { dict.setWords(name, [1, 2, 3]) } else { dict.setScalars(name, [1, 2]) }
        case .garbage:
            // Random entries behind a valid header and checksum.
            var bytes = Array(payload.prefix(12))
            bytes += (0..<(8 + rng.nextInt(below: 200))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            withUnsafeBytes(of: StateDict.checksum(bytes[...]).littleEndian) { bytes += $0 }
            return bytes
        }
        return dict.serialized()
    }
}

@Suite("Forged and damaged checkpoints", .serialized)
struct CheckpointForgeryTests {
    static let config = """
        experiment: forgery
        seed: 21
        data: {source: moons, size: 400, noise: 0.2, validation: 0.2}
        model: {depth: 3, width: 16, activation: relu, dropout: 0.1, normalization: batch}
        optimizer: {type: adam, lr: 0.01}
        epochs: 3
        batch_size: 32
        """

    /// A store with one run interrupted at step 15 (mid epoch 2, after the epoch-1 checkpoint).
    func interruptedRun(_ dir: URL) throws -> (Store, PlannedRun, String, CheckpointInfo) {
        let path = dir.appendingPathComponent("config.yaml").path
        try Self.config.write(toFile: path, atomically: true, encoding: .utf8)
        let planned = try #require(try ExperimentPlan.load(path: path).first)
        let store = try Store(path: dir.appendingPathComponent("t.db").path)
        let flag = InterruptFlag()
        let outcome = try ExperimentRunner(store: store, progress: InterruptAt(step: 15, flag: flag), interrupt: flag).train(planned)
        #expect(outcome.status == .interrupted)
        let latest = try #require(try store.latestCheckpoint(run: outcome.runID))
        #expect(latest.kind == .interrupt && latest.step == 15)
        return (store, planned, outcome.runID, latest)
    }

    func tempDir() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-forgery-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("generated forgeries of every class (counters huge, negative or inconsistent; shapes; truncation; bit flips; NaN; zero streams; garbage) are refused with an error, never a trap")
    func generatedForgeriesAreRefused() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (store, planned, _, checkpoint) = try interruptedRun(dir)
        let payload = try store.checkpointData(checkpoint)
        var intact = try TrainingState(planned: planned)
        try intact.restore(payload)
        #expect(intact.trainer.step == 15 && intact.loop.epoch == 1)
        var rng = RandomStream(seed: 2026, name: "forgery")
        var refused: [Forgery: Int] = [:]
        for i in 0..<400 {
            let forgery = Forgery.allCases[i % Forgery.allCases.count]
            let forged = try forgery.apply(to: payload, rng: &rng)
            if forged == payload { continue }
            var state = try TrainingState(planned: planned)
            do {
                try state.restore(forged)
                Issue.record("\(forgery) #\(i) was accepted")
            } catch let e as TrainerError {
                #expect(!e.localizedDescription.isEmpty)
                refused[forgery, default: 0] += 1
            } catch let e as DataError {
                #expect(!e.localizedDescription.isEmpty)
                refused[forgery, default: 0] += 1
            }
        }
        #expect(Set(refused.keys) == Set(Forgery.allCases), "\(refused)")
    }

    /// Replaces the checkpoint's blob with `bytes` and a recomputed SHA-256, as a forger would.
    func forge(_ store: Store, _ checkpoint: CheckpointInfo, _ bytes: [UInt8]) throws {
        let sha = SHA256.hex(bytes)
        try store.db.run("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)", [.text(sha), .int(bytes.count), .blob(bytes)])
        try store.db.run("UPDATE checkpoints SET blob_sha256 = ?, size = ? WHERE id = ?", [.text(sha), .int(bytes.count), .integer(checkpoint.id)])
    }

    @Test("resuming from a forged checkpoint (valid SHA-256) is a clear error and leaves the run's status and records as they were")
    func resumeFromForgedCheckpointLeavesRunAlone() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (store, _, runID, checkpoint) = try interruptedRun(dir)
        let original = try store.checkpointData(checkpoint)
        var rng = RandomStream(seed: 7, name: "forged-resume")
        var cases = try Forgery.allCases.map { try $0.apply(to: original, rng: &rng) }
        // Internally consistent, but one batch behind what its record says (step 15).
        var dict = try StateDict(payload: original)
        dict.setWords("data.iterator", [1, 4] + (dict.words("data.iterator") ?? []).dropFirst(2))
        dict.setWords("optimizer.step", [14]); dict.setWords("schedule.step", [14])
        var counters = dict.words("loop.counters") ?? []; counters[1] = 4 * 32; dict.setWords("loop.counters", counters)
        cases.append(dict.serialized())
        let before = (try store.resolveRun(runID), try store.events(run: runID).count, try store.metricSeries(run: runID, key: "loss").count)
        for forged in cases {
            try forge(store, checkpoint, forged)
            do {
                _ = try ExperimentRunner(store: store).resume(runID)
                Issue.record("a forged checkpoint was resumed")
            } catch {
                let message = error.localizedDescription
                #expect(message.contains("cannot resume run \(runID)") && message.contains("left interrupted") && !message.contains("SQLite"), "\(message)")
            }
            let run = try store.resolveRun(runID)
            #expect(run.status == .interrupted && run.pid == before.0.pid && run.heartbeatAt == before.0.heartbeatAt)
            #expect(try store.events(run: runID).count == before.1)
            #expect(try store.metricSeries(run: runID, key: "loss").count == before.2)
        }
        // The genuine payload still resumes, to the end.
        try forge(store, checkpoint, original)
        #expect(try ExperimentRunner(store: store).resume(runID).status == .finished)
    }
}
