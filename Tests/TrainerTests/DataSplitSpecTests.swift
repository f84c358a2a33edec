import Foundation
import Testing
@testable import Trainer

/// The key a spec error names, or nil when loading succeeded or failed otherwise.
func specErrorKey(_ body: () throws -> Void) -> String? {
    do { try body() } catch let DataError.invalidSpec(key, _) { return key } catch { return "other: \(error)" }
    return nil
}

@Suite("data.test, data.stratify and data.image: bad values name their key")
struct DataSplitSpecTests {
    @Test("test and stratify refuse what cannot work, naming the key")
    func refusals() throws {
        let dir = try makeTemporaryDirectory()
        let (path, _) = try writeLabelledCSV(rows: 100, weights: [1, 1], seed: 2, in: dir)
        func csv(_ edit: (inout DatasetSpec) -> Void) -> DatasetSpec {
            var s = DatasetSpec(source: .csv, path: path, label: .name("label"))
            edit(&s)
            return s
        }
        let cases: [(DatasetSpec, String)] = [
            (csv { $0.test = 0 }, "test"),
            (csv { $0.test = .fraction(1.5) }, "test"),
            (csv { $0.test = .fraction(0) }, "test"),
            (csv { $0.test = 100 }, "test"),                 // leaves nothing to train on
            (csv { $0.test = 101 }, "test"),                 // more than the file holds
            (csv { $0.test = .count(Int.max) }, "test"),
            (csv { $0.test = .fraction(0.001) }, "test"),    // rounds to no sample
            (csv { $0.stratify = true }, "stratify"),        // nothing to stratify
            (csv { $0.task = .regression; $0.test = 10; $0.stratify = true }, "stratify"),
            (csv { $0.test = 60; $0.validation = 40 }, "validation"),  // test leaves 40: none to train on
            (DatasetSpec(source: .fashionMNIST, test: 100), "test"),
            (DatasetSpec(source: .idx, path: dir, test: .fraction(0.1)), "test"),
            (DatasetSpec(source: .teacher, validation: 10, stratify: true), "stratify"),
            (DatasetSpec(source: .spirals, stratify: true), "stratify"),
            (DatasetSpec(source: .spirals, test: .fraction(1)), "test"),
        ]
        for (spec, key) in cases {
            #expect(specErrorKey { _ = try spec.load(seed: 1) } == key, "\(spec)")
        }
    }

    @Test("image shapes must match the feature columns; random shapes fail exactly when they do not (seeded)")
    func imageShapes() throws {
        let dir = try makeTemporaryDirectory()
        var rng = RandomStream(seed: 5, name: "test.shapes")
        for _ in 0..<40 {
            let features = 1 + rng.nextInt(below: 30)
            let lines = ["\((0..<features).map { "p\($0)" }.joined(separator: ",")),label"]
                + (0..<6).map { i in (0..<features).map { _ in "\(Double(rng.nextInt(below: 256)) / 255)" }.joined(separator: ",") + ",\(i % 2)" }
            let path = (dir as NSString).appendingPathComponent("img.csv")
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let (h, w) = (1 + rng.nextInt(below: 8), 1 + rng.nextInt(below: 8))
            let spec = DatasetSpec(source: .csv, path: path, label: .name("label"), image: .init(height: h, width: w))
            if h * w == features {
                let data = try spec.load(seed: 1)
                #expect(data.train.imageShape == .init(height: h, width: w))
            } else {
                #expect(specErrorKey { _ = try spec.load(seed: 1) } == "image", "\(h)×\(w) vs \(features)")
            }
        }
        let csv = (dir as NSString).appendingPathComponent("img.csv")
        for (image, key) in [(DatasetSpec.Image(height: 0, width: 4), "image.height"), (.init(height: 2, width: -1), "image.width"),
                             (.init(height: 2, width: 2, channels: 3), "image.channels"), (.init(height: 200_000, width: 1), "image.height")] {
            #expect(specErrorKey { _ = try DatasetSpec(source: .csv, path: csv, label: .name("label"), image: image).load(seed: 1) } == key)
        }
        #expect(specErrorKey { _ = try DatasetSpec(source: .spirals, image: .init(height: 1, width: 2)).load(seed: 1) } == "image")
        let shifted = Augmentation(shift: .init(pixels: 1))
        #expect(specErrorKey { _ = try DatasetSpec(source: .csv, path: csv, label: .name("label"), augment: shifted).load(seed: 1) } == "augment")
    }

    @Test("the new keys decode from JSON strictly, and old specs encode as before")
    func decoding() throws {
        let json = #"{"source": "csv", "path": "x.csv", "label": "y", "test": 0.2, "stratify": true, "image": {"height": 8, "width": 8}}"#
        let spec = try JSONDecoder().decode(DatasetSpec.self, from: Data(json.utf8))
        #expect(spec.test == .fraction(0.2) && spec.stratify == true && spec.image == .init(height: 8, width: 8))
        let bad = #"{"source": "csv", "path": "x.csv", "label": "y", "image": {"height": 8, "width": 8, "depth": 3}}"#
        #expect(specErrorKey { _ = try JSONDecoder().decode(DatasetSpec.self, from: Data(bad.utf8)) } == "image.depth")
        let badTest = #"{"source": "csv", "path": "x.csv", "label": "y", "test": "ten"}"#
        #expect(specErrorKey { _ = try JSONDecoder().decode(DatasetSpec.self, from: Data(badTest.utf8)) } == "test")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let old = DatasetSpec(source: .spirals, size: 300, test: 100)
        #expect(String(decoding: try encoder.encode(old), as: UTF8.self) == #"{"size":300,"source":"spirals","test":100}"#)
    }
}
