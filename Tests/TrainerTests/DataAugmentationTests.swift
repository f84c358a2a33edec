import Testing
@testable import Trainer

@Suite("Image augmentation")
struct DataAugmentationTests {
    func augmentAll(_ data: Dataset, _ augmentation: Augmentation, seed: UInt64) throws -> [Float] {
        let shape = try #require(data.imageShape)
        let augmenter = try Augmenter(augmentation, height: shape.height, width: shape.width)
        var rng = RandomStreams(seed: seed).augment
        var out = [Float](repeating: 0, count: data.x.count)
        data.x.withUnsafeBufferPointer { all in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<data.count {
                    let range = (i * data.features)..<((i + 1) * data.features)
                    augmenter.augment(UnsafeBufferPointer(rebasing: all[range]),
                                      into: UnsafeMutableBufferPointer(rebasing: dst[range]), rng: &rng)
                }
            }
        }
        return out
    }

    @Test("the same seed gives the same images; another seed other images")
    func deterministic() throws {
        let data = try squareImages(count: 32)
        let a = try augmentAll(data, .all(p: 0.8), seed: 1)
        #expect(a == (try augmentAll(data, .all(p: 0.8), seed: 1)))
        #expect(a != (try augmentAll(data, .all(p: 0.8), seed: 2)))
    }

    @Test("every transform changes images and keeps values in [0, 1]")
    func changesAndStaysInRange() throws {
        let data = try squareImages(count: 16)
        let all = Augmentation.all(p: 1)
        let single: [Augmentation] = [
            Augmentation(shift: all.shift), Augmentation(rotation: all.rotation), Augmentation(scale: all.scale),
            Augmentation(flip: all.flip), Augmentation(noise: all.noise), Augmentation(erase: all.erase), all,
        ]
        for augmentation in single {
            let out = try augmentAll(data, augmentation, seed: 3)
            #expect(out != data.x, "\(augmentation) left every image unchanged")
            #expect(out.allSatisfy { $0 >= 0 && $0 <= 1 && $0.isFinite })
        }
    }

    @Test("zero shift, zero rotation and unit scale are the identity")
    func identity() throws {
        let data = try squareImages(count: 8)
        let zero = Augmentation(shift: .init(pixels: 0, p: 1), rotation: .init(degrees: 0, p: 1),
                                scale: .init(amount: 0, squash: 0, p: 1), noise: .init(std: 0, p: 1))
        #expect(try augmentAll(data, zero, seed: 5) == data.x)
        #expect(try augmentAll(data, Augmentation.all(p: 0), seed: 5) == data.x)
    }

    @Test("a flip mirrors exactly and an integer shift moves pixels exactly")
    func exactTransforms() throws {
        let data = try squareImages(count: 1)
        let flipped = try augmentAll(data, Augmentation(flip: .init(p: 1)), seed: 1)
        for y in 0..<28 { for x in 0..<28 { #expect(flipped[y * 28 + x] == data.x[y * 28 + 27 - x]) } }
        let shifted = try augmentAll(data, Augmentation(shift: .init(pixels: 3, p: 1)), seed: 9)
        let total = { (v: [Float]) in v.reduce(0, +) }
        #expect(total(shifted) == total(data.x)) // the square stays inside the frame
    }

    @Test("a small rotation keeps most of the image's mass")
    func rotationKeepsMass() throws {
        let data = try squareImages(count: 4)
        let rotated = try augmentAll(data, Augmentation(rotation: .init(degrees: 10, p: 1)), seed: 4)
        let before = data.x.reduce(0, +), after = rotated.reduce(0, +)
        #expect(abs(after - before) / before < 0.05)
    }

    @Test("augmentation is applied in training batches and off in evaluation batches")
    func offInEvaluation() throws {
        let data = try squareImages(count: 10)
        let streams = RandomStreams(seed: 11)
        var eval = try BatchIterator(dataset: data, batchSize: 10, training: false, streams: streams,
                                     augmentation: .all(p: 1))
        var x: [Float] = [], y: [Int32] = []
        #expect(eval.next(x: &x, labels: &y) == 10)
        #expect(x == data.x && y == data.labels)
        var train = try BatchIterator(dataset: data, batchSize: 10, training: true, streams: streams,
                                      augmentation: .all(p: 1))
        #expect(train.next(x: &x, labels: &y) == 10)
        #expect(x != data.x)
    }

    @Test("bad augmentation values name their key")
    func validation() {
        #expect(throws: DataError.invalidSpec(key: "augment.rotation.p", reason: "must be a probability in [0, 1], got 1.5")) {
            try Augmentation(rotation: .init(degrees: 10, p: 1.5)).validate()
        }
        #expect(throws: DataError.self) { try Augmentation(erase: .init(p: 1, min: 0.5, max: 0.1)).validate() }
    }
}
