import ArgumentParser
import Foundation
import Trainer

/// `tracker-bench train`: training throughput of the Trainer against PyTorch, same
/// models, batches, threads and data (Fashion-MNIST when installed, else random data of
/// its shape), PyTorch measured in the same run.
struct TrainBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training samples/s of models A, C and A with per-step statistics, against PyTorch.")

    @Option(help: "Epochs per model; the figure is the median of epochs 2…end.")
    var epochs = 6
    @Option(help: "BLAS threads (PyTorch uses the same count).")
    var threads = 2
    @Option(help: "Training samples per epoch.")
    var samples = 60000
    @Option(help: "The PyTorch peer script.")
    var peerScript = "../shared/peers/train_torch.py"
    @Option(help: "Python with torch installed.")
    var python = "/tmp/peers-venv/bin/python"
    @Flag(help: "Skip the PyTorch peer.")
    var skipPeer = false
    @Option(help: "Fashion-MNIST directory (gzipped IDX files); random data when missing.")
    var data = "/usr/share/datasets/fashion-mnist"
    @Option(help: "Which runs, comma-separated: A, C, A+stats.")
    var models = "A,C,A+stats"

    @Option(help: "Epochs for the statistics overhead (after one warm-up epoch); steps alternate off/on in segments.")
    var statsEpochs = 3
    @Option(help: "Steps per segment when measuring the statistics overhead (pairs: off then on).")
    var statsSegment = 8

    func validate() throws {
        guard epochs >= 2 else { throw ValidationError("--epochs must be at least 2 (the first epoch is a warm-up)") }
        guard statsEpochs >= 1, statsSegment >= 1 else { throw ValidationError("--stats-epochs and --stats-segment must be at least 1") }
    }

    func run() throws {
        BLAS.setThreads(threads)
        let (inputs, labels, source) = TrainData.load(directory: data, samples: samples)
        print("data: \(source), \(inputs.rows) samples; BLAS threads \(BLAS.threads); \(BLAS.configuration)")
        let wanted = models.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        var ours: [String: Double] = [:], peer: [String: Double] = [:], ceiling: [String: Double] = [:]
        var overhead: (off: Double, on: Double)?
        for name in wanted {
            switch name {
            case "A", "C":
                let rates = try measure(name, inputs: inputs, labels: labels, epochs: epochs, statsOn: { _ in false })
                let kept = Array(rates.dropFirst())
                ours[name] = median(kept)
                print(String(format: "%@: median %.0f samples/s of epochs 2…%d, range %.0f–%.0f", name, median(kept), epochs,
                             kept.min() ?? 0, kept.max() ?? 0))
                ceiling[name] = try gemmCeiling(name)
                if !skipPeer, let r = runPeer(model: name == "A" ? "A" : "C_sigmoid") { peer[name] = r }
            case "A+stats":
                // Statistics alternate on and off every few steps within the same epochs, so the
                // shared machine's drift (which moves whole epochs by ±10%) cancels pair by pair.
                let r = try measureOverhead(inputs: inputs, labels: labels, epochs: 1 + statsEpochs, segment: statsSegment)
                overhead = (r.off, r.on)
                ours["A+stats"] = r.on
            default:
                throw ValidationError("unknown model \(name) (A, C, A+stats)")
            }
        }
        print("\nsummary (median samples/s of epochs 2…\(epochs); PyTorch: its median of epochs 2…end)")
        for name in wanted {
            guard let rate = ours[name] else { continue }
            var line = "  \(name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(Int(rate)) samples/s"
            if let p = peer[name] { line += String(format: "   PyTorch %d   ratio %.2f×", Int(p), rate / p) }
            if let g = ceiling[name] { line += String(format: "   GEMM ceiling %d → %.2f of it", Int(g), rate / g) }
            print(line)
        }
        if let o = overhead {
            print(String(format: "  statistics on every step (median of %d-step pairs): %d vs %d samples/s without → %.1f%% slower",
                         statsSegment,
                         Int(o.on), Int(o.off), (o.off / o.on - 1) * 100))
        }
        if let a = ours["A"], let g = ceiling["A"] { print("  bar A ≥ 0.85 of its GEMM ceiling: \(a / g >= 0.85 ? "met" : "NOT met")") }
        if let a = ours["A"], let p = peer["A"] { print("  bar A ≥ 1.8× PyTorch: \(a / p >= 1.8 ? "met" : "NOT met")") }
        if let c = ours["C"], let p = peer["C"] { print("  bar C ≥ 6× PyTorch: \(c / p >= 6 ? "met" : "NOT met")") }
        if let o = overhead { print("  bar statistics ≤ 2% slower: \(o.off / o.on - 1 <= 0.02 ? "met" : "NOT met")") }
    }

    /// Model A with statistics toggled every `segment` steps after a warm-up epoch: samples/s
    /// with and without, from the median ratio of adjacent (off, on) segment pairs.
    private func measureOverhead(inputs: Tensor, labels: [Int32], epochs: Int, segment: Int) throws -> (off: Double, on: Double) {
        let batch = 128
        let trainer = try ModelTrainer(spec: .mlp(input: 784, hidden: [256, 128], classes: 10, activation: .relu), optimizer: .adam(1e-3), seed: 0)
        var order = Array(0..<inputs.rows)
        var xb: Tensor?
        var ratios: [Double] = [], offSeconds: [Double] = []
        var pendingOff: Double?
        for epoch in 1...epochs {
            trainer.random.shuffle.shuffle(&order)
            var i = 0, step = 0
            var segmentStart = DispatchTime.now().uptimeNanoseconds
            var samples = 0
            while i + batch <= order.count {
                let on = epoch > 1 && (step / segment) % 2 == 1
                let idx = order[i..<(i + batch)]
                let x = Tensor.gatherRows(of: inputs, at: idx, reusing: xb)
                xb = x
                _ = try trainer.trainStep(inputs: x, labels: idx.map { labels[$0] }, statistics: on ? .all : nil)
                samples += batch
                i += batch
                step += 1
                if epoch > 1 && step % segment == 0 {
                    let now = DispatchTime.now().uptimeNanoseconds
                    let seconds = Double(now - segmentStart) / 1e9 / Double(samples)  // per sample
                    if on, let off = pendingOff {
                        ratios.append(seconds / off)
                        offSeconds.append(off)
                        pendingOff = nil
                    } else if !on {
                        pendingOff = seconds
                    }
                    segmentStart = now
                    samples = 0
                }
            }
            print(String(format: "A+stats epoch %d: %d segment pairs so far", epoch, ratios.count))
        }
        let ratio = median(ratios), off = 1 / median(offSeconds)
        return (off, off / ratio)
    }

    /// The GEMM-bound samples/s of model `name` (its products timed alone, same threads).
    private func gemmCeiling(_ name: String) throws -> Double {
        let (spec, batch) = Self.model(name)
        var init0 = RandomStream(seed: 0, name: "ceiling")
        let ceiling = GemmCeiling(model: try Model(spec: spec, random: &init0), batch: batch)
        let seconds = ceiling.secondsPerStep(repeats: 201)
        let rate = Double(batch) / seconds
        print(String(format: "%@ GEMM ceiling: %d products, %.2f MFLOP per sample, %.3f ms per step → %.0f samples/s (%.0f GFLOP/s)",
                     name, ceiling.products.count, ceiling.flopsPerStep / Double(batch) / 1e6, seconds * 1e3, rate,
                     ceiling.flopsPerStep / seconds / 1e9))
        return rate
    }

    static func model(_ name: String) -> (ModelSpec, Int) {
        if name == "A" { return (.mlp(input: 784, hidden: [256, 128], classes: 10, activation: .relu), 128) }
        // PyTorch's default nn.Linear initialisation, as the peer's model C.
        return (.mlp(input: 784, hidden: Array(repeating: 64, count: 20), classes: 10,
                     activation: .sigmoid, initialization: .torchDefault), 64)
    }

    /// Samples/s of each epoch of model `name`; `statsOn(epoch)` turns per-step statistics on.
    private func measure(_ name: String, inputs: Tensor, labels: [Int32], epochs: Int,
                         statsOn: (Int) -> Bool) throws -> [Double] {
        let (spec, batch) = Self.model(name)
        let trainer = try ModelTrainer(spec: spec, optimizer: .adam(1e-3), seed: 0)
        var order = Array(0..<inputs.rows)
        var xb: Tensor?
        var rates: [Double] = []
        for epoch in 1...epochs {
            let stats: StatisticsOptions? = statsOn(epoch) ? .all : nil
            trainer.random.shuffle.shuffle(&order)
            let start = DispatchTime.now().uptimeNanoseconds
            var lossSum = 0.0, steps = 0
            var i = 0
            while i < order.count {
                let idx = order[i..<min(i + batch, order.count)]
                let x = Tensor.gatherRows(of: inputs, at: idx, reusing: xb)
                xb = x
                let y = idx.map { labels[$0] }
                let r = try trainer.trainStep(inputs: x, labels: y, statistics: stats)
                lossSum += r.dataLoss
                steps += 1
                i += batch
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(Double(order.count) / seconds)
            print(String(format: "%@%@ epoch %d: %.2fs %.0f samples/s train_loss %.4f", name,
                         stats == nil ? "" : "+stats", epoch, seconds, rates.last ?? 0, lossSum / Double(max(steps, 1))))
        }
        return rates
    }

    private func runPeer(model: String) -> Double? {
        guard FileManager.default.fileExists(atPath: python), FileManager.default.fileExists(atPath: peerScript) else {
            print("peer skipped: \(python) or \(peerScript) missing")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        // Absolute: the peer runs in its own directory (it imports fmnist.py from there).
        process.arguments = [URL(fileURLWithPath: peerScript).standardizedFileURL.path, "--model", model, "--epochs", "\(epochs)", "--threads", "\(threads)",
                             "--samples", "\(samples)"]
        process.currentDirectoryURL = URL(fileURLWithPath: peerScript).deletingLastPathComponent()
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { print("peer failed to start: \(error)"); return nil }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(output.split(separator: "\n").map { "  [torch \(model)] \($0)" }.joined(separator: "\n"))
        guard let json = peerResult(output) else { return nil }
        return (json["median_samples_per_s_ep2_end"] as? Double)
            ?? (json["median_samples_per_s_ep2_end"] as? Int).map(Double.init)
    }
}

/// Training data for the benchmark: Fashion-MNIST via `gzip -dc`, or random data of its shape.
enum TrainData {
    static func load(directory: String, samples: Int) -> (Tensor, [Int32], String) {
        if let images = idx("\(directory)/train-images-idx3-ubyte.gz"),
           let labels = idx("\(directory)/train-labels-idx1-ubyte.gz"),
           images.count >= 16 + 784 * samples, labels.count >= 8 + samples {
            let x = Tensor(zeros: [samples, 784])
            images.withUnsafeBytes { raw in
                let p = raw.bindMemory(to: UInt8.self)
                for i in 0..<(samples * 784) { x.data[i] = Float(p[16 + i]) / 255 }
            }
            let y = (0..<samples).map { Int32(labels[8 + $0]) }
            return (x, y, "Fashion-MNIST (\(directory))")
        }
        var r = RandomStream(seed: 1, name: "bench")
        let x = Tensor(zeros: [samples, 784])
        for i in 0..<x.count { x.data[i] = r.nextFloat() }
        let y = (0..<samples).map { _ in Int32(r.nextInt(below: 10)) }
        return (x, y, "random [0,1) data of Fashion-MNIST shape")
    }

    private static func idx(_ path: String) -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? [UInt8](data) : nil
    }
}
