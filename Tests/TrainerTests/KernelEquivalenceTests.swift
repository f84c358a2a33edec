import CKernels
import Foundation
import Testing
import Tracker
@testable import Trainer

/// The C kernels and the byte-held datasets give exactly what the plain formulas and Float32
/// datasets give: bit for bit, on seeded inputs that include NaN, ±0, ±Inf and subnormals.
@Suite("Kernels and byte datasets equal their plain formulas")
struct KernelEquivalenceTests {
    /// Seeded floats with the special values mixed in.
    static func values(_ n: Int, seed: UInt64) -> [Float] {
        var r = SplitMix64(state: seed)
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                                 .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1]
        return (0..<n).map { _ in
            let u = r.next()
            if u % 13 == 0 { return specials[Int(u >> 8) % specials.count] }
            let v = Float(bitPattern: UInt32(truncatingIfNeeded: u >> 16))
            return v.isNaN ? 0.5 : v
        }
    }

    static func same(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test("ReLU, leaky ReLU, sigmoid and tanh passes equal their scalar formulas", arguments: [1, 7, 64, 1000, 4099])
    func activations(n: Int) {
        let x = Self.values(n, seed: UInt64(n)), g = Self.values(n, seed: UInt64(n) + 1000)
        for slope: Float in [0, 0.01, 0.25] {
            var y = [Float](repeating: 7, count: n), d = [Float](repeating: 7, count: n)
            tracker_leaky_relu_forward(x, &y, n, slope)
            tracker_leaky_relu_backward(x, g, &d, n, slope)
            #expect(Self.same(y, x.map { $0 > 0 ? $0 : (slope == 0 ? 0 : slope * $0) }))
            #expect(Self.same(d, zip(x, g).map { $0 > 0 ? $1 : (slope == 0 ? 0 : slope * $1) }))
        }
        let yS = x.map { 1 / (1 + expf(-$0)) }
        var d = [Float](repeating: 0, count: n)
        tracker_sigmoid_backward(yS, g, &d, n)
        #expect(Self.same(d, zip(yS, g).map { $1 * $0 * (1 - $0) }))
        let yT = x.map { tanhf($0) }
        tracker_tanh_backward(yT, g, &d, n)
        #expect(Self.same(d, zip(yT, g).map { $1 * (1 - $0 * $0) }))
    }

    @Test("dropout draws the stream as RandomStream.nextFloat does, one draw an element", arguments: [0.0 as Float, 0.3, 0.5, 0.9])
    func dropout(p: Float) {
        for (n, seed) in [(1, 1 as UInt64), (129, 2), (5000, 3)] {
            let x = Self.values(n, seed: seed)
            var stream = RandomStream(seed: seed, name: "dropout")
            let keep = 1 / (1 - p)
            var expectedMask = [Float](), expectedY = [Float]()
            var reference = stream
            for i in 0..<n {
                let k: Float = reference.nextFloat() < p ? 0 : keep
                expectedMask.append(k); expectedY.append(x[i] * k)
            }
            var mask = [Float](repeating: 0, count: n), y = [Float](repeating: 0, count: n)
            var words = stream.words
            tracker_dropout_forward(x, &y, &mask, n, p, keep, &words)
            stream = RandomStream(words: words) ?? stream
            #expect(Self.same(mask, expectedMask) && Self.same(y, expectedY))
            #expect(stream == reference, "the stream must have advanced by exactly \(n) draws")
        }
    }

    @Test("a byte is Float(k) / 255 for every k")
    func bytes() {
        let all = (0...255).map { UInt8($0) }
        var out = [Float](repeating: 0, count: 256)
        tracker_unit_bytes_to_float(all, &out, 256)
        #expect(Self.same(out, all.map { Float($0) / 255 }))
    }

    @Test("SHA-256 of seeded inputs: whole blocks at once (SHA-NI where present) equal byte-at-a-time updates")
    func sha256() {
        var r = SplitMix64(state: 99)
        for _ in 0..<40 {
            let n = Int(r.next() % 5000)
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: r.next()) }
            var slow = SHA256()
            for b in bytes { slow.update(CollectionOfOne(b)) }  // one byte at a time: always the portable rounds
            #expect(SHA256.hex(bytes) == slow.finalize().hexString, "length \(n)")
        }
    }

    /// A byte-held image set and its Float32 twin.
    static func twins(count: Int, seed: UInt64) throws -> (Dataset, Dataset) {
        var r = SplitMix64(state: seed)
        let bytes = (0..<(count * 64)).map { _ in UInt8(truncatingIfNeeded: r.next()) }
        let labels = (0..<count).map { _ in Int32(r.next() % 4) }
        let shape = Dataset.ImageShape(height: 8, width: 8)
        let b = try Dataset(name: "t", features: 64, bytes: bytes, labels: labels, numClasses: 4, imageShape: shape)
        let f = try Dataset(name: "t", features: 64, x: bytes.map { Float($0) / 255 }, labels: labels, numClasses: 4, imageShape: shape)
        return (b, f)
    }

    @Test("a byte set serves, selects, fingerprints and evaluates exactly as its Float32 twin")
    func byteDatasets() throws {
        let (b, f) = try Self.twins(count: 300, seed: 5)
        #expect(b == f)
        #expect(Fingerprint.of([b], spec: "s") == Fingerprint.of([f], spec: "s"))
        let picks = [5, 0, 299, 17, 17]
        #expect(try b.selecting(picks) == f.selecting(picks))
        if case .unitBytes = try b.selecting(picks).values {} else { Issue.record("selecting a byte set must keep bytes") }
        let streams = RandomStreams(seed: 11)
        let augment = Augmentation(shift: .init(pixels: 1, p: 0.5))
        let standard = Standardization.fit(f, mode: .global)
        for (aug, std) in [(nil, nil), (augment, nil), (augment, standard)] as [(Augmentation?, Standardization?)] {
            var ib = try BatchIterator(dataset: b, batchSize: 32, training: true, streams: streams, augmentation: aug, standardization: std)
            var iF = try BatchIterator(dataset: f, batchSize: 32, training: true, streams: streams, augmentation: aug, standardization: std)
            var xb: [Float] = [], yb: [Int32] = [], xf: [Float] = [], yf: [Int32] = []
            for _ in 0..<25 {
                let nb = ib.next(x: &xb, labels: &yb), nf = iF.next(x: &xf, labels: &yf)
                #expect(nb == nf && Self.same(xb, xf) && yb == yf)
            }
            #expect(ib.state == iF.state)
        }
        // Evaluation batch by batch from the dataset equals the whole-tensor path.
        let trainer = try ModelTrainer(spec: .mlp(input: 64, hidden: [16], classes: 4, activation: .relu), optimizer: .adam(1e-3), seed: 3)
        let whole = Tensor(zeros: [f.count, 64])
        whole.buffer.baseAddress!.update(from: f.x, count: f.x.count)
        let expected = try trainer.evaluate(inputs: whole, labels: f.labels, batchSize: 128)
        let data = PreparedData(train: b, validation: nil, test: nil, standardization: nil, augmentation: nil, splitDescription: "", fingerprint: "")
        var it = try data.evaluationBatches(b, batchSize: 128)
        let served = try trainer.evaluate(batchSize: 128) { x, labels in labels.withUnsafeMutableBufferPointer { it.next(x: x.buffer, labels: $0) } }
        #expect(served == expected)
        #expect(served.loss.bitPattern == expected.loss.bitPattern)
    }
}
