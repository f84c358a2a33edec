import Foundation
import Testing
import Tracker
@testable import Trainer

/// Bounds of `--grid`, `--span`, `--samples` and the `landscape:` config block: hostile
/// values are refused with the option named, before any work.
@Suite("Landscape options")
struct LandscapeSpecTests {
    func message(_ spec: LandscapeSpec, line: Bool = false) -> String? {
        do { try spec.validate(line: line); return nil } catch { return "\(error)" }
    }

    @Test("hand-picked hostile values name the option")
    func handPicked() throws {
        #expect(message(LandscapeSpec()) == nil)
        #expect(message(LandscapeSpec(grid: 2))?.contains("--grid") == true)
        #expect(message(LandscapeSpec(grid: 30))?.contains("odd") == true)
        #expect(message(LandscapeSpec(grid: 103))?.contains("--grid") == true)
        #expect(message(LandscapeSpec(grid: Int.max))?.contains("--grid") == true)
        #expect(message(LandscapeSpec(grid: Int.min))?.contains("--grid") == true)
        for span in [0, -1, .nan, .infinity, -.infinity, 101, Double.greatestFiniteMagnitude] {
            #expect(message(LandscapeSpec(span: span))?.contains("--span") == true, "\(span)")
        }
        #expect(message(LandscapeSpec(samples: 0))?.contains("--samples") == true)
        #expect(message(LandscapeSpec(samples: Int.max))?.contains("--samples") == true)
        #expect(message(LandscapeSpec(grid: 101, samples: 50_000))?.contains("forward passes") == true)
        #expect(message(LandscapeSpec(grid: 2), line: true) == nil)
        #expect(message(LandscapeSpec(grid: 1002), line: true)?.contains("--grid") == true)
        for bad in ["", "first", "-1", "0", "1.5", "99999999999999999999", "last "] {
            #expect(throws: TrainerError.self) { try LandscapeSpec.CheckpointChoice(parsing: bad) }
        }
        #expect(try LandscapeSpec.CheckpointChoice(parsing: "12") == .id(12))
    }

    @Test("seeded generated options: accepted exactly when inside the documented bounds")
    func generated() {
        var random = SplitMix64(state: 0x1A9D)
        for _ in 0..<2000 {
            let grid = [Int.min, -1, 0, 1, 2, 3, 31, 100, 101, 102, 1001, 1002, Int.max, random.below(2000) - 500][random.below(14)]
            let span = [0, -0.5, .nan, .infinity, 1e-9, 1, 100, 100.0001, 1e300, random.unit() * 200 - 50][random.below(10)]
            let samples = [Int.min, 0, 1, 2000, 50_000, 50_001, Int.max, random.below(100_000)][random.below(8)]
            let line = random.below(2) == 0
            let spec = LandscapeSpec(grid: grid, span: span, samples: samples, seed: random.next())
            let range = line ? LandscapeSpec.lineRange : LandscapeSpec.gridRange
            let inside = range.contains(grid) && (line || grid % 2 == 1) && span > 0 && span <= 100
                && LandscapeSpec.samplesRange.contains(samples)
                && (line ? grid : grid * grid) * samples <= LandscapeSpec.maxSampleEvaluations
            #expect((message(spec, line: line) == nil) == inside, "grid \(grid) span \(span) samples \(samples) line \(line)")
        }
    }

    @Test("the config block is decoded with the same bounds and named keys")
    func configBlock() throws {
        func decode(_ json: String) throws -> LandscapeSpec { try JSONValue.parse(json).decode(LandscapeSpec.self) }
        let spec = try decode(#"{"grid": 11, "span": 0.5, "samples": 300, "seed": 4, "checkpoint": "best"}"#)
        #expect(spec == LandscapeSpec(grid: 11, span: 0.5, samples: 300, seed: 4, checkpoint: .best))
        #expect(try decode("{}") == LandscapeSpec())
        for bad in [#"{"grid": 12}"#, #"{"grid": 1e9}"#, #"{"span": -1}"#, #"{"samples": 0}"#, #"{"checkpoint": "middle"}"#, #"{"grid": "x"}"#] {
            #expect(throws: (any Error).self, "\(bad)") { try decode(bad) }
        }
        // Round trip through the stored config.
        #expect(try JSONValue.from(spec).decode(LandscapeSpec.self) == spec)
    }
}
