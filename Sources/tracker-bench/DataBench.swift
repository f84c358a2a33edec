import ArgumentParser
import Foundation
import Tracker
import Trainer

/// `tracker-bench data`: Fashion-MNIST loading and one epoch of augmentation.
///
/// Bars (issue 4): loading (decompress + parse + scale) under 1 s; one augmentation epoch
/// cheaper than the training epoch it feeds. Peer: PyTorch trains model A
/// (784-256-128-10, batch 128) at ≈ 40k samples/s here, ≈ 1.5 s an epoch (FACTS.md).
struct DataBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Fashion-MNIST load time and augmentation throughput.")

    @Option(help: "Directory of the IDX files.")
    var directory = IDXDataset.fashionMNISTDirectory

    @Option(help: "Repetitions; the median is reported.")
    var repeats = 5

    @Option(help: "Probability of each transform in the augmentation epoch.")
    var probability = 1.0

    @Flag(help: "Also time each transform alone (p = 1).")
    var breakdown = false

    func run() throws {
        let torchEpoch = 60_000.0 / 40_000.0
        var loads: [Double] = []
        var train: Dataset?
        for _ in 0..<repeats {
            let start = Date()
            train = try IDXDataset.load(directory: directory, part: .train, package: IDXDataset.fashionMNISTPackage)
            _ = try IDXDataset.load(directory: directory, part: .test, package: IDXDataset.fashionMNISTPackage)
            loads.append(Date().timeIntervalSince(start))
        }
        guard let train, let shape = train.imageShape else { throw ValidationError("no image data loaded") }
        print(String(format: "load train+test (gunzip+parse+scale): median %.3f s  (bar < 1 s)", median(loads)))

        var fingerprints: [Double] = []
        for _ in 0..<max(1, repeats / 2) {
            let start = Date()
            _ = Fingerprint.of([train], spec: "bench")
            fingerprints.append(Date().timeIntervalSince(start))
        }
        print(String(format: "fingerprint of the training set (SHA-256 of %d MB): median %.3f s",
                     train.x.count * 4 / 1_000_000, median(fingerprints)))

        var configurations: [(String, Augmentation)] = Set([probability, 0.5]).sorted(by: >).map {
            (String(format: "all transforms p=%.2f", $0), Augmentation.all(p: $0))
        }
        if breakdown {
            let all = Augmentation.all(p: 1)
            configurations += [
                ("shift only", Augmentation(shift: all.shift)), ("rotation only", Augmentation(rotation: all.rotation)),
                ("scale only", Augmentation(scale: all.scale)), ("flip only", Augmentation(flip: all.flip)),
                ("noise only", Augmentation(noise: all.noise)), ("erase only", Augmentation(erase: all.erase)),
            ]
        }
        for (label, augmentation) in configurations {
            let augmenter = try Augmenter(augmentation, height: shape.height, width: shape.width)
            var rng = RandomStreams(seed: 1).augment
            var output = [Float](repeating: 0, count: train.features)
            var epochs: [Double] = []
            for _ in 0..<repeats {
                let start = Date()
                train.x.withUnsafeBufferPointer { all in
                    output.withUnsafeMutableBufferPointer { out in
                        for i in 0..<train.count {
                            let image = UnsafeBufferPointer(rebasing: all[(i * train.features)..<((i + 1) * train.features)])
                            augmenter.augment(image, into: out, rng: &rng)
                        }
                    }
                }
                epochs.append(Date().timeIntervalSince(start))
            }
            print("augment 60,000 images, \(label): median "
                  + String(format: "%.3f s/epoch (PyTorch model A trains an epoch in ≈ %.1f s)", median(epochs), torchEpoch))
        }

        var iterator = try BatchIterator(dataset: train, batchSize: 128, training: true, streams: RandomStreams(seed: 1),
                                         augmentation: .all(p: 0.5))
        var x: [Float] = [], y: [Int32] = []
        var batches: [Double] = []
        for _ in 0..<max(1, repeats / 2) {
            let start = Date()
            while iterator.next(x: &x, labels: &y) != nil {}
            batches.append(Date().timeIntervalSince(start))
        }
        print(String(format: "BatchIterator epoch (shuffle + augment p=0.5 + copy, batch 128): median %.3f s", median(batches)))
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}
