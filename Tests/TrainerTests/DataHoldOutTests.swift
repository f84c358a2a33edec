import Foundation
import Testing
@testable import Trainer

/// A CSV of `rows` samples: column `id` is the row number (so parts can be traced back),
/// two more features, and a label drawn from `weights` (seeded), e.g. a 60/30/10 split.
func writeLabelledCSV(rows: Int, weights: [Int], seed: UInt64, in directory: String) throws -> (path: String, labels: [Int]) {
    var rng = RandomStream(seed: seed, name: "test.csv")
    let total = weights.reduce(0, +)
    var lines = ["id,a,b,label"], labels: [Int] = []
    for i in 0..<rows {
        var draw = rng.nextInt(below: total), label = 0
        while draw >= weights[label] { draw -= weights[label]; label += 1 }
        labels.append(label)
        lines.append("\(i),\(i % 7),\(rng.nextInt(below: 100)),\(label)")
    }
    let path = (directory as NSString).appendingPathComponent("data.csv")
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return (path, labels)
}

@Suite("Held-out test splits, stratification and pinned old splits")
struct DataHoldOutTests {
    /// Row ids (the `id` column) of a CSV part.
    func ids(_ d: Dataset?) -> [Int] {
        guard let d else { return [] }
        return (0..<d.count).map { Int(d.x[$0 * d.features]) }
    }

    @Test("configs written before data.test and data.stratify keep their fingerprints (pinned from main at 9e277ef)")
    func pinnedOldFingerprints() throws {
        let dir = try makeTemporaryDirectory()
        let rows = ["x1,x2,x3,label"] + (0..<60).map { i in "\(i % 7),\((i * 3) % 11),\((i * i) % 13),\(i % 3)" }
        let path = (dir as NSString).appendingPathComponent("old.csv")
        try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let csv = DatasetSpec(source: .csv, path: path, label: .name("label"), validation: .count(12),
                              preprocess: .init(standardize: .feature))
        #expect(try csv.load(seed: 42).fingerprint == "2268587ab40553192b34ce23a45991d9c1a08e3e003e33ab0d25cacff63bdbfa")
        let moons = DatasetSpec(source: .moons, size: 200, seed: 1, validation: .count(40))
        #expect(try moons.load(seed: 42).fingerprint == "3cabc71cd4dff9d6665763a6a730c230723307f90e4110b2ff7da23272fd784b")
        let spirals = DatasetSpec(source: .spirals, size: 300, test: 100, validation: .fraction(0.2))
        #expect(try spirals.load(seed: 42).fingerprint == "9affdae981ea2a71a86fe10d20cfe7cc7681cddc68fe98d010e5e9cd531871b2")
    }

    @Test("stratified quotas sum to the held-out count and stay within 1 of each class's exact share (seeded random label sets)")
    func quotas() {
        var rng = RandomStream(seed: 13, name: "test.quotas")
        for _ in 0..<2000 {
            let k = 1 + rng.nextInt(below: 12)
            // Empty classes, singletons and big classes all occur.
            let counts = (0..<k).map { _ in rng.nextInt(below: 4) == 0 ? rng.nextInt(below: 2) : rng.nextInt(below: 300) }
            let total = counts.reduce(0, +)
            guard total >= 2 else { continue }
            let heldOut = 1 + rng.nextInt(below: total - 1)
            let q = Splits.stratifiedQuotas(classCounts: counts, heldOut: heldOut)
            #expect(q.reduce(0, +) == heldOut)
            for c in 0..<k {
                let exact = Double(counts[c]) * Double(heldOut) / Double(total)
                #expect(abs(Double(q[c]) - exact) < 1, "class \(c): \(q[c]) vs \(exact)")
                #expect(q[c] >= 0 && q[c] <= counts[c])
            }
        }
    }

    @Test("a stratified split is a partition, proportional per class on both sides, and deterministic for the seed")
    func stratifiedPartition() {
        var rng = RandomStream(seed: 21, name: "test.labels")
        for round in 0..<300 {
            let k = 1 + rng.nextInt(below: 6)
            let n = 2 + rng.nextInt(below: 400)
            let labels = (0..<n).map { _ in Int32(rng.nextInt(below: k)) }
            let heldOut = 1 + rng.nextInt(below: n - 1)
            let seed = UInt64(round)
            let (rest, part) = Splits.stratifiedIndices(labels: labels, numClasses: k, heldOut: heldOut, seed: seed, stream: "data.test")
            #expect(part.count == heldOut && rest.count == n - heldOut)
            #expect(Set(rest).isDisjoint(with: part) && Set(rest).union(part) == Set(0..<n))
            #expect(rest == rest.sorted() && part == part.sorted())
            for c in 0..<k {
                let inClass = labels.filter { Int($0) == c }.count
                let exact = Double(inClass) * Double(heldOut) / Double(n)
                let taken = part.filter { Int(labels[$0]) == c }.count
                let left = rest.filter { Int(labels[$0]) == c }.count
                #expect(abs(Double(taken) - exact) < 1 && abs(Double(left) - (Double(inClass) - exact)) < 1)
            }
            let again = Splits.stratifiedIndices(labels: labels, numClasses: k, heldOut: heldOut, seed: seed, stream: "data.test")
            #expect(again.part == part)
        }
    }

    @Test("a CSV run holds out test first, then validation from the rest; stratified parts keep the class mix")
    func csvTestSplit() throws {
        let dir = try makeTemporaryDirectory()
        let (path, labels) = try writeLabelledCSV(rows: 200, weights: [6, 3, 1], seed: 4, in: dir)
        let spec = DatasetSpec(source: .csv, path: path, label: .name("label"), test: 0.25, validation: 30, stratify: true)
        let data = try spec.load(seed: 7)
        let (train, validation, test) = (ids(data.train), ids(data.validation), ids(data.test))
        #expect(test.count == 50 && validation.count == 30 && train.count == 120)
        #expect(Set(train + validation + test) == Set(0..<200) && train.count + validation.count + test.count == 200)
        let counts = (0..<3).map { c in labels.filter { $0 == c }.count }
        for (part, size, from) in [(test, 50, 200), (validation, 30, 150)] {
            let base = from == 200 ? Array(0..<200) : train + validation
            for c in 0..<3 {
                let inBase = base.filter { labels[$0] == c }.count
                let exact = Double(inBase) * Double(size) / Double(from)
                #expect(abs(Double(part.filter { labels[$0] == c }.count) - exact) < 1, "class \(c) of \(counts)")
            }
        }
        #expect(data.splitDescription == "test=50,stratified;validation=30,stratified")
        let again = try spec.load(seed: 7)
        #expect(ids(again.test) == test && ids(again.validation) == validation)
        #expect(ids(try spec.load(seed: 8).test) != test)
        // Validation alone draws the same samples as before test existed: the test split has its own stream.
        var plain = spec
        plain.test = nil; plain.stratify = nil
        let before = Splits.splitIndices(count: 200, validationCount: 30, seed: 7)
        #expect(ids(try plain.load(seed: 7).validation) == before.validation)
    }

    @Test("the fingerprint changes with the test count, with stratify, and not with a no-op")
    func fingerprints() throws {
        let dir = try makeTemporaryDirectory()
        let (path, _) = try writeLabelledCSV(rows: 120, weights: [1, 1], seed: 9, in: dir)
        let base = DatasetSpec(source: .csv, path: path, label: .name("label"), validation: 20)
        var prints: Set<String> = []
        for (test, stratify) in [(nil, nil), (HoldOut.count(20), nil), (.count(21), nil), (.count(20), true), (.fraction(0.5), nil)] as [(HoldOut?, Bool?)] {
            var spec = base
            spec.test = test; spec.stratify = stratify
            prints.insert(try spec.load(seed: 1).fingerprint)
        }
        #expect(prints.count == 5)
        var same = base
        same.stratify = false
        #expect(try same.load(seed: 1).fingerprint == (try base.load(seed: 1).fingerprint))
    }

    @Test("synthetic test as a fraction generates that share of size; 0 still means no test set")
    func syntheticTest() throws {
        #expect(try DatasetSpec(source: .spirals, size: 300, test: 0.5).load(seed: 1).test?.count == 150)
        #expect(try DatasetSpec(source: .spirals, size: 300, test: 0).load(seed: 1).test == nil)
        let stratified = try DatasetSpec(source: .blobs, size: 300, classes: 3, validation: 0.2, stratify: true).load(seed: 1)
        #expect(stratified.validation?.classCounts == [20, 20, 20])
    }
}
