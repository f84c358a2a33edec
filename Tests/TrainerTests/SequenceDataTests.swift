import Foundation
import Testing
import Tracker
@testable import Trainer

/// The padded-sequence set (`SequenceData`, source `sequences`): layout, determinism, labels
/// from the real tokens only, the shifted set, and the spec's checks.
@Suite("Padded sequence data")
struct SequenceDataTests {
    static let lengths = SequenceData.Lengths(min: 3, max: 10)

    static func make(_ part: String = "train", size: Int = 300, lengths: SequenceData.Lengths = lengths, offset: Double = 0,
                     seed: UInt64 = 4) throws -> Dataset {
        try SequenceData.make(size: size, length: 10, token: 5, classes: 4, lengths: lengths, noise: 0.8, offset: offset,
                              seed: seed, part: part)
    }

    @Test("rows are the tokens then the mask: real tokens first, zero pads, 1/0 mask; lengths stay in range")
    func layout() throws {
        let data = try Self.make()
        let shape = try #require(data.sequenceShape)
        #expect(shape == SequenceShape(length: 10, token: 5) && data.features == 60 && data.count == 300 && data.numClasses == 4)
        var seen = Set<Int>()
        for i in 0..<data.count {
            let row = Array(data.x[(i * 60)..<((i + 1) * 60)])
            let mask = Array(row[50..<60])
            #expect(mask.allSatisfy { $0 == 0 || $0 == 1 })
            let n = mask.filter { $0 == 1 }.count
            seen.insert(n)
            #expect((3...10).contains(n))
            #expect(mask == [Float](repeating: 1, count: n) + [Float](repeating: 0, count: 10 - n), "real tokens come first")
            #expect(row[(n * 5)..<50].allSatisfy { $0 == 0 }, "pads are zero vectors")
            #expect(row[0..<(n * 5)].contains { $0 != 0 })
        }
        #expect(seen == Set(3...10))
        #expect(data.classCounts.allSatisfy { $0 > 30 }, "\(data.classCounts)")
    }

    @Test("the same seed gives the same bytes; another seed or part another sample of the same prototypes")
    func deterministic() throws {
        #expect(try Self.make() == Self.make())
        #expect(try Self.make().x != Self.make(seed: 5).x)
        #expect(try Self.make().x != Self.make("test").x)
        #expect(SequenceData.prototypes(classes: 4, token: 5, seed: 4) == SequenceData.prototypes(classes: 4, token: 5, seed: 4))
    }

    @Test("the label is a function of the real tokens only: recomputed from them, and unchanged when the pads are filled with anything; with an offset too")
    func labelsFromRealTokens() throws {
        var meanProjection: [Double] = []
        for offset in [0.0, 3.0] {
            let data = try Self.make(size: 200, offset: offset)
            let shape = try #require(data.sequenceShape)
            var r = RandomStream(seed: 1, name: "pads")
            for i in 0..<data.count {
                var row = Array(data.x[(i * 60)..<((i + 1) * 60)])
                #expect(SequenceData.label(of: row[...], shape: shape, classes: 4, offset: offset, seed: 4) == Int(data.labels[i]))
                for p in 0..<10 where row[50 + p] == 0 { for j in 0..<5 { row[p * 5 + j] = r.nextFloat() * 20 - 10 } }
                #expect(SequenceData.label(of: row[...], shape: shape, classes: 4, offset: offset, seed: 4) == Int(data.labels[i]))
            }
            let v = SequenceData.offsetDirection(token: 5, seed: 4)
            var projection = 0.0, tokens = 0
            for i in 0..<data.count { for p in 0..<10 where data.x[i * 60 + 50 + p] == 1 {
                projection += (0..<5).map { Double(data.x[i * 60 + p * 5 + $0]) * v[$0] }.reduce(0, +)
                tokens += 1
            } }
            meanProjection.append(projection / Double(tokens))
        }
        // The same draws, moved by 3 along v: the real tokens' mean leaves the zero pad.
        #expect(abs(meanProjection[1] - meanProjection[0] - 3) < 1e-3, "\(meanProjection)")
        #expect(try Self.make(offset: 3).labels == Self.make().labels, "the offset changes the tokens, not the labels")
    }

    @Test("the spec makes train, validation, test and a shifted set with another share of pads; the shifted set is in the fingerprint")
    func shiftedThroughSpec() throws {
        let spec = DatasetSpec(source: .sequences, size: 400, test: .count(100), classes: 3, features: 4, validation: .count(100),
                               length: 12, lengths: .init(min: 9, max: 12), shifted: .init(lengths: .init(min: 1, max: 3), size: 150))
        let data = try spec.load(seed: 2)
        #expect(data.train.count == 300 && data.validation?.count == 100 && data.test?.count == 100 && data.shifted?.count == 150)
        #expect(data.validation?.sequenceShape == SequenceShape(length: 12, token: 4), "the split keeps the layout")
        func padShare(_ d: Dataset) -> Double {
            let w = 12 * 5
            var pads = 0
            for i in 0..<d.count { for p in 0..<12 where d.x[i * w + 48 + p] == 0 { pads += 1 } }
            return Double(pads) / Double(d.count * 12)
        }
        #expect(padShare(data.train) < 0.2)
        let shifted = try #require(data.shifted)
        #expect(padShare(shifted) > 0.8)
        var without = spec
        without.shifted = nil
        #expect(try without.load(seed: 2).fingerprint != data.fingerprint)
        #expect(try spec.load(seed: 2).fingerprint == data.fingerprint)
    }

    @Test("bad sequence keys are errors naming the key")
    func badKeys() throws {
        func problem(_ spec: DatasetSpec) -> String? {
            do { try spec.validate(); return nil } catch DataError.invalidSpec(let key, _) { return key } catch { return "other: \(error)" }
        }
        let base = DatasetSpec(source: .sequences, length: 8, lengths: .init(min: 2, max: 8))
        #expect(problem(base) == nil)
        var s = base; s.lengths = .init(min: 0, max: 4); #expect(problem(s) == "lengths")
        s = base; s.lengths = .init(min: 5, max: 9); #expect(problem(s) == "lengths")
        s = base; s.lengths = .init(min: 6, max: 5); #expect(problem(s) == "lengths")
        s = base; s.lengths = nil; s.length = 5000; #expect(problem(s) == "length")
        s = base; s.features = 0; #expect(problem(s) == "features")
        s = base; s.classes = 1; #expect(problem(s) == "classes")
        s = base; s.shifted = .init(lengths: .init(min: 1, max: 20)); #expect(problem(s) == "shifted.lengths")
        s = base; s.shifted = .init(lengths: .init(min: 1, max: 2), size: 0); #expect(problem(s) == "shifted.size")
        s = base; s.preprocess = .init(standardize: .global); #expect(problem(s) == "preprocess.standardize")
        s = base; s.offset = .infinity; #expect(problem(s) == "offset")
        s = base; s.offset = -1e4; #expect(problem(s) == "offset")
        #expect(problem(DatasetSpec(source: .blobs, offset: 1)) == "offset")
        s = base; s.size = 10_000_000; s.length = 4096; s.lengths = .init(min: 1, max: 4096); #expect(problem(s) == "size")
        #expect(problem(DatasetSpec(source: .moons, length: 8)) == "length")
        #expect(problem(DatasetSpec(source: .spirals, shifted: .init(lengths: .init(min: 1, max: 2)))) == "shifted")
    }

    @Test("seeded generated specs either load within their bounds or are refused naming a sequence key; none traps")
    func generatedSpecs() throws {
        var r = RandomStream(seed: 2026, name: "sequence-specs")
        func pick(_ values: [Int]) -> Int { values[r.nextInt(below: values.count)] }
        var loaded = 0, refused = 0
        for _ in 0..<400 {
            // Each value is valid more often than not, so that both outcomes are common.
            let length = pick([1, 2, 7, 9, 64, 4096, -1, 0, 4097, Int.max])
            let lo = pick([1, 1, 2, 3, 0, -5, 70, Int.min]), hi = pick([1, 2, 7, 8, 0, 64, 5000, Int.max])
            var spec = DatasetSpec(source: .sequences, size: pick([1, 5, 40, 40, 0, -3, 20_000_000]),
                                   classes: pick([2, 3, 4, 0, 1, 1001]), features: pick([1, 3, 8, 0, -1, 5000]),
                                   length: length, lengths: .init(min: lo, max: hi))
            if r.nextInt(below: 2) == 0 { spec.shifted = .init(lengths: .init(min: pick([1, 1, 0, 2]), max: pick([1, 2, 2, 9999])), size: pick([1, 3, 3, -1])) }
            if r.nextInt(below: 4) == 0 { spec.test = .count(pick([0, 2, 2, -1])) }
            do {
                try spec.validate()
                let data = try spec.load(seed: 1)
                #expect(data.train.features == length * ((spec.features ?? 8) + 1))
                loaded += 1
            } catch DataError.invalidSpec(let key, let reason) {
                #expect(["size", "classes", "features", "length", "lengths", "shifted.lengths", "shifted.size", "test"].contains(key), "\(key): \(reason)")
                #expect(!reason.isEmpty)
                refused += 1
            }
        }
        #expect(loaded > 0 && refused > 0, "loaded \(loaded), refused \(refused)")
    }

    @Test("a config infers the sequence model's length, input and classes from the data; a mismatched sequence_length is an error at the key")
    func configInference() throws {
        let yaml = """
            experiment: padded
            seed: 3
            data: {source: sequences, size: 60, classes: 3, features: 4, length: 6, lengths: {min: 2, max: 6}, shifted: {lengths: {min: 1, max: 2}}}
            model: {widths: [8], normalization: layer}
            epochs: 1
            """
        let planned = try #require(try ExperimentPlan.plan(ConfigDocument.parse(yaml)).first)
        let s = try #require(planned.config.model.shorthand)
        #expect(planned.config.model.input == 30 && s.sequenceLength == 6 && s.classes == 3)
        #expect(planned.json[path: "model.sequence_length"] == .int(6))
        #expect(throws: ConfigError.self) {
            try ExperimentPlan.plan(ConfigDocument.parse(yaml.replacingOccurrences(of: "normalization: layer}", with: "normalization: layer, sequence_length: 5}")))
        }
        do {
            _ = try ExperimentPlan.plan(ConfigDocument.parse(yaml.replacingOccurrences(of: "lengths: {min: 2, max: 6}", with: "lengths: {min: 2, max: 7}")))
            Issue.record("lengths beyond the padded length were accepted")
        } catch let e as ConfigError {
            #expect(e.message.contains("'data.lengths'"), "\(e.message)")
        }
        // An explicit list whose per_position length does not divide the input names the key.
        let explicit = yaml.replacingOccurrences(of: "model: {widths: [8], normalization: layer}",
            with: "model: {layers: [{type: per_position, length: 4, layers: [{type: dense, units: 8}]}, {type: masked_mean, length: 4}, {type: dense, units: 3}]}")
        do {
            _ = try ExperimentPlan.plan(ConfigDocument.parse(explicit))
            Issue.record("a per_position length that does not divide the input was accepted")
        } catch let e as ConfigError {
            #expect(e.message.contains("'model.layers.0.length'"), "\(e.message)")
        }
        let fitting = explicit.replacingOccurrences(of: "length: 4", with: "length: 6")
        let run = try #require(try ExperimentPlan.plan(ConfigDocument.parse(fitting)).first)
        #expect(run.config.model.expandedLayers().count == 3)
    }
}
