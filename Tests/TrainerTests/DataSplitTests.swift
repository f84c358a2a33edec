import Testing
@testable import Trainer

@Suite("Subsets, splits and fingerprints")
struct DataSplitTests {
    let blobs: Dataset

    init() throws { blobs = try Synthetic.make(.blobs, size: 600, classes: 3, features: 4, seed: 1) }

    @Test("random subsets are deterministic per seed and balanced when asked")
    func subsets() throws {
        let a = try Splits.subsetIndices(of: blobs, count: 90, random: true, balanced: true, seed: 5)
        #expect(a == (try Splits.subsetIndices(of: blobs, count: 90, random: true, balanced: true, seed: 5)))
        #expect(a != (try Splits.subsetIndices(of: blobs, count: 90, random: true, balanced: true, seed: 6)))
        #expect(Set(a).count == 90)
        #expect(try blobs.selecting(a).classCounts == [30, 30, 30])
        #expect(try Splits.subsetIndices(of: blobs, count: 5, random: false, balanced: false, seed: 5) == [0, 1, 2, 3, 4])
        #expect(throws: DataError.self) { try Splits.subsetIndices(of: blobs, count: 601, random: true, balanced: false, seed: 1) }
    }

    @Test("train/validation splits are deterministic, disjoint and complete")
    func splits() throws {
        let (train, validation) = Splits.splitIndices(count: 1000, validationCount: 100, seed: 3)
        #expect(train.count == 900 && validation.count == 100)
        #expect(Set(train).isDisjoint(with: validation))
        #expect(Set(train).union(validation) == Set(0..<1000))
        #expect(Splits.splitIndices(count: 1000, validationCount: 100, seed: 3).validation == validation)
        #expect(Splits.splitIndices(count: 1000, validationCount: 100, seed: 4).validation != validation)
    }

    @Test("the test set stays apart and synthetic sets are reproducible")
    func testApart() throws {
        let spec = DatasetSpec(source: .spirals, size: 300, test: 100, validation: .fraction(0.2))
        let a = try spec.load(seed: 42), b = try spec.load(seed: 42)
        #expect(a.train == b.train && a.validation == b.validation && a.test == b.test)
        #expect(a.train.count == 240 && a.validation?.count == 60 && a.test?.count == 100)
        let trainRows = Set(stride(from: 0, to: a.train.x.count, by: 2).map { [a.train.x[$0], a.train.x[$0 + 1]] })
        let testRows = stride(from: 0, to: (a.test?.x.count ?? 0), by: 2).map { [a.test?.x[$0] ?? 0, a.test?.x[$0 + 1] ?? 0] }
        #expect(testRows.allSatisfy { !trainRows.contains($0) })
    }

    @Test("fingerprints change when the data or the split change, and only then")
    func fingerprints() throws {
        let base = DatasetSpec(source: .moons, size: 200, seed: 1, validation: .count(40))
        let f = try base.load(seed: 100).fingerprint
        #expect(try base.load(seed: 100).fingerprint == f)
        #expect(try base.load(seed: 999).fingerprint == f) // the spec's own seed wins: same data
        var augmented = base
        augmented.augment = Augmentation()
        #expect(try augmented.load(seed: 1).fingerprint == f) // augmentation is not data
        var otherSplit = base
        otherSplit.validation = .count(50)
        #expect(try otherSplit.load(seed: 1).fingerprint != f)
        var otherSeed = base
        otherSeed.seed = 2
        #expect(try otherSeed.load(seed: 1).fingerprint != f)
        var otherNoise = base
        otherNoise.noise = 0.2
        #expect(try otherNoise.load(seed: 1).fingerprint != f)
        var subset = base
        subset.subset = .init(count: 150)
        #expect(try subset.load(seed: 1).fingerprint != f)

        var changed = blobs
        changed.x[17] += 1e-3
        #expect(Fingerprint.of([changed], spec: "all") != Fingerprint.of([blobs], spec: "all"))
        #expect(Fingerprint.of([blobs], spec: "all") != Fingerprint.of([blobs], spec: "validation=10"))
    }

    @Test("byte-valued images are fingerprinted as bytes, other values as floats")
    func byteEncoding() {
        #expect(Fingerprint.byteEncoding([0, 1, Float(128) / 255]) == [0, 255, 128])
        #expect(Fingerprint.byteEncoding([0.3]) == nil)
        #expect(Fingerprint.byteEncoding([-0.5]) == nil)
    }

    @Test("standardisation uses training statistics and is returned for the run")
    func standardization() throws {
        let spec = DatasetSpec(source: .blobs, size: 500, features: 3, validation: .count(100),
                               preprocess: .init(standardize: .feature))
        let data = try spec.load(seed: 3)
        let s = try #require(data.standardization)
        #expect(s == Standardization.fit(data.train, mode: .feature))
        let standardized = try s.applied(to: data.train)
        for j in 0..<3 {
            let column = stride(from: j, to: standardized.x.count, by: 3).map { Double(standardized.x[$0]) }
            let mean = column.reduce(0, +) / Double(column.count)
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3)
        }
    }
}
