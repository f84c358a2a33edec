import Foundation
import Testing
@testable import Trainer

@Suite("Batching")
struct DataBatchTests {
    func drain(_ iterator: inout BatchIterator, batches: Int) -> [([Float], [Int32])] {
        var out: [([Float], [Int32])] = []
        var x: [Float] = [], y: [Int32] = []
        while out.count < batches {
            if let n = iterator.next(x: &x, labels: &y) {
                out.append((Array(x[..<(n * iterator.dataset.features)]), Array(y[..<n])))
            }
        }
        return out
    }

    @Test("an epoch serves every sample once, shuffled differently each epoch")
    func epochs() throws {
        let data = try Synthetic.make(.circles, size: 103, seed: 1)
        var it = try BatchIterator(dataset: data, batchSize: 10, training: true, streams: RandomStreams(seed: 2))
        #expect(it.batchesPerEpoch == 11)
        let first = drain(&it, batches: 11), second = drain(&it, batches: 11)
        #expect(first.map(\.1.count).reduce(0, +) == 103)
        #expect(first.flatMap(\.1).sorted() == data.labels.sorted())
        #expect(first.flatMap(\.0) != second.flatMap(\.0))
        #expect(it.epoch == 1)
    }

    @Test("a restored state yields the same remaining batches, augmentation included")
    func resume() throws {
        let data = try squareImages(count: 50)
        let streams = RandomStreams(seed: 9)
        var original = try BatchIterator(dataset: data, batchSize: 8, training: true, streams: streams,
                                         augmentation: .all(p: 0.7), standardization: .init(mode: .global, mean: [0.2], std: [0.3]))
        _ = drain(&original, batches: 10) // one epoch (7 batches) and three more
        let saved = original.state
        #expect(saved.epoch == 1 && saved.batch == 3)
        let expected = drain(&original, batches: 12)

        let json = try JSONEncoder().encode(saved)
        var resumed = try BatchIterator(dataset: data, batchSize: 8, training: true, streams: RandomStreams(seed: 12345),
                                        augmentation: .all(p: 0.7), standardization: .init(mode: .global, mean: [0.2], std: [0.3]))
        try resumed.restore(JSONDecoder().decode(BatchIterator.State.self, from: json))
        let got = drain(&resumed, batches: 12)
        #expect(got.map(\.0) == expected.map(\.0) && got.map(\.1) == expected.map(\.1))
        #expect(resumed.state == original.state)
    }

    @Test("a state captured at an epoch boundary resumes too")
    func resumeAtBoundary() throws {
        let data = try Synthetic.make(.xor, size: 40, seed: 1)
        var a = try BatchIterator(dataset: data, batchSize: 10, training: true, streams: RandomStreams(seed: 3))
        _ = drain(&a, batches: 4)
        var x: [Float] = [], y: [Int32] = []
        #expect(a.next(x: &x, labels: &y) == nil) // closes epoch 0
        let saved = a.state
        var b = try BatchIterator(dataset: data, batchSize: 10, training: true, streams: RandomStreams(seed: 3))
        try b.restore(saved)
        #expect(drain(&a, batches: 6).map(\.1) == drain(&b, batches: 6).map(\.1))
    }

    @Test("regression targets, drop-last and bad states")
    func targetsAndErrors() throws {
        let data = try Synthetic.make(.teacher, size: 25, features: 3, outputs: 2, seed: 1)
        var it = try BatchIterator(dataset: data, batchSize: 10, training: false, streams: RandomStreams(seed: 1), dropLast: true)
        var x: [Float] = [], t: [Float] = []
        #expect(it.next(x: &x, targets: &t) == 10)
        #expect(Array(t[..<20]) == Array(data.targets[..<20]))
        #expect(it.next(x: &x, targets: &t) == 10)
        #expect(it.next(x: &x, targets: &t) == nil)
        var bad = it.state
        bad.batch = 99
        #expect(throws: DataError.self) { try it.restore(bad) }
        #expect(throws: DataError.self) {
            try BatchIterator(dataset: data, batchSize: 4, training: true, streams: RandomStreams(seed: 1), augmentation: .all(p: 1))
        }
    }
}
