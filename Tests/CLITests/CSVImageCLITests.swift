import Foundation
import Testing
import Tracker

@Suite("CSV images and held-out test splits through tracker train")
struct CSVImageCLITests {
    /// 8×8 grey images as CSV rows (64 pixel columns, then the label): class 0 a horizontal
    /// bar, class 1 a vertical bar, each at a seeded random place.
    static func writeBars(count: Int, to dir: TempDir) throws -> String {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {  // a plain LCG: the test needs variety, not quality
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var lines = [((0..<64).map { "p\($0)" } + ["label"]).joined(separator: ",")]
        for i in 0..<count {
            let label = i % 2, at = next(8)
            let pixels = (0..<64).map { p -> String in
                let (row, column) = (p / 8, p % 8)
                return (label == 0 ? row == at : column == at) ? "0.9" : "0"
            }
            lines.append((pixels + ["\(label)"]).joined(separator: ","))
        }
        let path = dir.path("bars.csv")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func config(csv: String, image: String) -> String {
        """
        experiment: csv-images
        seed: 3
        data: {source: csv, path: \(csv), label: label, image: \(image), augment: {shift: {pixels: 1}},
               test: 0.25, stratify: true, validation: 0.2}
        model: {depth: 1, width: 16, activation: relu}
        optimizer: {type: adam, lr: 0.01}
        epochs: 2
        batch_size: 16
        """
    }

    @Test("an 8×8 image set arriving as CSV trains with augment: shift and reports test_acc and test_loss")
    func trainsAugmented() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let csv = try Self.writeBars(count: 80, to: tmp)
        let config = try Configs.write(Self.config(csv: csv, image: "{height: 8, width: 8}"), to: tmp)
        let r = try CLI.run(["train", config, "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("test_acc"), "\(r.stdout)")
        let store = try Store(path: db)
        let runs = try store.summaries(of: store.runs())
        let run = try #require(runs.first)
        #expect(run.run.status == .finished)
        #expect(run.metrics["test_acc"] != nil && run.metrics["test_loss"] != nil)
        #expect(run.params["derived.test_samples"]?.number == 20)
        #expect(run.params["derived.validation_samples"]?.number == 12)
    }

    @Test("an image shape that does not hold the CSV's columns is refused, naming data.image")
    func wrongShape() throws {
        let tmp = TempDir()
        let csv = try Self.writeBars(count: 10, to: tmp)
        let config = try Configs.write(Self.config(csv: csv, image: "{height: 8, width: 7}"), to: tmp)
        let r = try CLI.run(["train", config, "--db", tmp.path("t.db")])
        #expect(r.status != 0)
        #expect(r.stderr.contains("data.image") && r.stderr.contains("64 feature columns"), "\(r.stderr)")
    }
}
