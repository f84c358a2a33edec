import Foundation
import Testing
@testable import Tracker

/// The recorder's min/max tiles (both levels) always equal an aggregate of the stored points:
/// across batches, out of order, with NaN and ±Inf, with steps logged twice, and after a resume.
@Suite("Metric tiles")
struct MetricTilesTests {
    struct TileRow: Equatable, CustomStringConvertible {
        var key: String, tile: Int, count: Int
        var minStep: Int?, min: Double?, maxStep: Int?, max: Double?
        var description: String { "\(key)#\(tile): n=\(count) min \(min.map { "\($0)" } ?? "-")@\(minStep ?? -1) max \(max.map { "\($0)" } ?? "-")@\(maxStep ?? -1)" }
    }

    /// Tiles of one level as stored.
    func stored(_ store: Store, run: String, level: MetricTiles.Level = MetricTiles.coarse) throws -> [TileRow] {
        let seq = try store.resolveSeq(run)
        return try store.db.query("""
            SELECT k.name, t.tile, t.count, t.min_step, t.min_value, t.max_step, t.max_value
            FROM \(level.table) t JOIN keys k ON k.id = t.key_id WHERE t.run_seq = ? ORDER BY k.name, t.tile
            """, [.integer(seq)]) {
            TileRow(key: $0.text(0), tile: Int($0.int(1)), count: Int($0.int(2)), minStep: $0.optionalInt(3).map { Int($0) }, min: $0.optionalDouble(4),
                    maxStep: $0.optionalInt(5).map { Int($0) }, max: $0.optionalDouble(6))
        }
    }

    /// Tiles computed here from the stored points (values are distinct, so extremes' steps are unique).
    func expected(_ store: Store, run: String, keys: [String], level: MetricTiles.Level = MetricTiles.coarse) throws -> [TileRow] {
        var out: [TileRow] = []
        for key in keys.sorted() {
            var tiles: [Int: TileRow] = [:]
            for p in try store.metricPoints(run: run, key: key) {
                let step = Int(p.x), t = step >> level.shift
                var row = tiles[t] ?? TileRow(key: key, tile: t, count: 0)
                row.count += 1
                if !p.y.isNaN {
                    if row.min == nil || p.y < row.min! { row.min = p.y; row.minStep = step }
                    if row.max == nil || p.y > row.max! { row.max = p.y; row.maxStep = step }
                }
                tiles[t] = row
            }
            out += tiles.keys.sorted().map { tiles[$0]! }
        }
        return out
    }

    @Test("tiles equal the aggregate of the points, through duplicates, NaN, disorder and resume", arguments: TestBackend.all)
    func matchesPoints(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("tiles.db"))
        let rec = try store.startRun(sampleStart(), batchSize: 5_000)
        var rng = SystemRandomNumberGenerator()
        func value() -> Double { Double.random(in: -1...1, using: &rng) }
        // loss: every 10th step over 600,000 steps (60,000 points, 586 tiles), in batches of 5,000.
        var batch: [MetricPoint] = []
        for step in stride(from: 0, to: 600_000, by: 10) {
            let v = step % 7_770 == 0 ? Double.nan : (step == 333_330 ? 50 : value())
            batch.append(MetricPoint(key: "loss", step: step, epoch: nil, value: v, wallTime: 0))
            if step % 7 == 0 { batch.append(MetricPoint(key: "acc", step: step, epoch: nil, value: value(), wallTime: 0)) }
            if batch.count >= 3_000 { rec.log(points: batch); batch = [] }
        }
        rec.log(points: batch)
        // Out of order, and steps logged again with new values (a new extreme, a smaller one, a NaN).
        rec.log(points: stride(from: 2_000, to: 1_000, by: -10).map { MetricPoint(key: "loss", step: $0, epoch: nil, value: value() * 2, wallTime: 0) })
        rec.log(points: [MetricPoint(key: "loss", step: 5_000, epoch: nil, value: -9, wallTime: 0),
                         MetricPoint(key: "loss", step: 5_010, epoch: nil, value: .nan, wallTime: 0),
                         MetricPoint(key: "acc", step: 7_007, epoch: nil, value: 0, wallTime: 0)])
        try rec.finish(.interrupted)  // resumed below
        let want = try expected(store, run: rec.runID, keys: ["loss", "acc"])
        #expect(want.count > 586)
        #expect(try stored(store, run: rec.runID) == want)
        let wantFine = try expected(store, run: rec.runID, keys: ["loss", "acc"], level: MetricTiles.fine)
        #expect(wantFine.count > 9_000)
        #expect(try stored(store, run: rec.runID, level: MetricTiles.fine) == wantFine)

        // The chart reader: ~2 points a tile, the spike kept, the total right.
        let tiled = try #require(try store.tiledMetricPoints(run: rec.runID, key: "loss"))
        #expect(tiled.total == 60_000, "a step logged twice counts once")
        #expect(try store.summary(of: rec.runID).metrics["loss"]?.min == -9)
        #expect(tiled.points.count <= 2 * 586 && tiled.points.count > 586)
        #expect(tiled.points.map(\.y).max() == 50)
        #expect(tiled.points.map(\.y).min() == -9)
        #expect(zip(tiled.points, tiled.points.dropFirst()).allSatisfy { $0.x < $1.x })
        #expect(try store.tiledMetricPoints(run: rec.runID, key: "acc") == nil, "8,572 points: read point by point")

        // A resume drops the points after step 300,005: the tiles follow.
        let again = try store.takeOverRun(rec.run, afterStep: 300_005)
        again.log(points: [MetricPoint(key: "loss", step: 300_010, epoch: nil, value: 7, wallTime: 0)])
        try again.finish(.finished)
        let after = try expected(store, run: rec.runID, keys: ["loss", "acc"])
        #expect(after.allSatisfy { $0.tile <= 300_010 >> 10 })
        #expect(try stored(store, run: rec.runID) == after)
        let afterFine = try expected(store, run: rec.runID, keys: ["loss", "acc"], level: MetricTiles.fine)
        #expect(afterFine.allSatisfy { $0.tile <= 300_010 >> 6 })
        #expect(try stored(store, run: rec.runID, level: MetricTiles.fine) == afterFine)
        #expect(try store.tiledMetricPoints(run: rec.runID, key: "loss") == nil, "30,002 points left: below the tiled threshold")
    }

    @Test("a run recorded before tiles existed is read point by point", arguments: TestBackend.all)
    func untiled(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("old.db"))
        let rec = try store.startRun(sampleStart(), batchSize: 100_000)
        rec.log(points: (0..<600_000).map { MetricPoint(key: "loss", step: $0, epoch: nil, value: Double($0 % 1000), wallTime: 0) })
        try rec.finish(.finished)
        let coarse = try #require(try store.tiledMetricPoints(run: rec.runID, key: "loss"))
        #expect(coarse.total == 600_000 && coarse.points.count <= 2 * 586, "586 coarse tiles are enough: the coarse level is read")
        try store.db.run("DELETE FROM metric_tiles WHERE tile % 2 = 0")
        let fine = try #require(try store.tiledMetricPoints(run: rec.runID, key: "loss"), "the fine level still covers every point")
        #expect(fine.total == 600_000 && fine.points.count > 2 * 586)
        try store.db.run("DELETE FROM metric_fine_tiles WHERE tile % 2 = 0")
        #expect(try store.tiledMetricPoints(run: rec.runID, key: "loss") == nil)
    }

    @Test("a file from before migration 2 opens read-only (series read point by point) and is upgraded by a writer", arguments: TestBackend.all)
    func olderFile(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("v1.db")
        var runID = ""
        do {
            let store = try Store(path: path)
            let rec = try store.startRun(sampleStart(), batchSize: 100_000)
            rec.log(points: (0..<600_000).map { MetricPoint(key: "loss", step: $0, epoch: nil, value: Double($0 % 1000), wallTime: 0) })
            try rec.finish(.finished)
            runID = rec.runID
            // As a version-1 file: no tiles tables, migrations 2 and 6 not recorded.
            try store.db.execute("DROP TABLE metric_tiles; DROP TABLE metric_fine_tiles; DELETE FROM schema_migrations WHERE version IN (2, 6)")
        }
        let viewer = try Store(path: path, readOnly: true)
        #expect(try viewer.tiledMetricPoints(run: runID, key: "loss") == nil)
        #expect(try viewer.metricPoints(run: runID, key: "loss").count == 600_000)
        #expect(try Store.upgradeSchema(path: path))
        #expect(try Store.upgradeSchema(path: path) == false)
        #expect(try Store(path: path, readOnly: true).schemaVersion() == Store.supportedSchemaVersion)
    }

    @Test("a file from before migration 6 opens read-only (coarse tiles or points), and after the upgrade new runs get fine tiles")
    func beforeFineTiles() throws {
        let tmp = TempDir()
        let path = tmp.path("v5.db")
        var long = "", short = ""
        do {
            let store = try Store(path: path)
            for steps in [600_000, 100_000] {
                let rec = try store.startRun(sampleStart("s\(steps)"), batchSize: 100_000)
                rec.log(points: (0..<steps).map { MetricPoint(key: "loss", step: $0, epoch: nil, value: Double($0 % 997), wallTime: 0) })
                try rec.finish(.finished)
                if steps == 600_000 { long = rec.runID } else { short = rec.runID }
            }
            try store.db.execute("DROP TABLE metric_fine_tiles; DELETE FROM schema_migrations WHERE version = 6")
        }
        let viewer = try Store(path: path, readOnly: true)
        #expect(try viewer.schemaVersion() == 5)
        let coarse = try #require(try viewer.tiledMetricPoints(run: long, key: "loss"))
        #expect(coarse.points.count <= 2 * 586, "the coarse tiles, as before")
        #expect(try viewer.tiledMetricPoints(run: short, key: "loss") == nil, "98 coarse tiles, no fine ones: point by point")
        #expect(try viewer.metricPoints(run: short, key: "loss").count == 100_000)
        #expect(try Store.upgradeSchema(path: path))
        let store = try Store(path: path)
        #expect(try store.tiledMetricPoints(run: short, key: "loss") == nil, "recorded before the fine tiles: still point by point")
        let rec = try store.startRun(sampleStart("new"), batchSize: 100_000)
        rec.log(points: (0..<100_000).map { MetricPoint(key: "loss", step: $0, epoch: nil, value: Double($0 % 997), wallTime: 0) })
        try rec.finish(.finished)
        let tiled = try #require(try store.tiledMetricPoints(run: rec.runID, key: "loss"))
        #expect(tiled.total == 100_000 && tiled.points.count > 2 * 1_500, "1,563 fine tiles")
    }

    /// A seeded series with NaN, ±Inf, repeated values, gaps in steps and whole NaN stretches.
    static func hostileSeries(seed: UInt64, steps: Int) -> [MetricPoint] {
        var rng = SplitMix64(state: seed), out: [MetricPoint] = []
        var step = rng.below(50), nanUntil = -1
        while step < steps {
            if rng.below(4_000) == 0 { nanUntil = step + 64 + rng.below(3_000) }  // a stretch of NaN (whole tiles)
            let pick = rng.below(200), v: Double
            if step < nanUntil || pick == 0 {
                v = .nan
            } else if pick == 1 {
                v = .infinity
            } else if pick == 2 {
                v = -.infinity
            } else if pick <= 20 {
                v = Double(rng.below(5))  // ties
            } else {
                v = (rng.unit() - 0.5) * pow(10, Double(rng.below(12)) - 6)
            }
            out.append(MetricPoint(key: "loss", step: step, epoch: nil, value: v, wallTime: 0))
            step += rng.below(500) == 0 ? 1 + rng.below(400) : 1  // mostly dense, sometimes a jump
        }
        return out
    }

    @Test("per bucket of whole tiles, the tiled series' min and max equal those of the raw points (both levels, seeded NaN and ±Inf)", arguments: [1, 2, 3] as [UInt64])
    func bucketsEqualRaw(seed: UInt64) throws {
        let tmp = TempDir()
        let store = try Store(path: tmp.path("h.db"))
        let rec = try store.startRun(sampleStart(), batchSize: 7_000)
        let points = MetricTilesTests.hostileSeries(seed: seed, steps: 150_000)
        // In shuffled batches (out of order within and across batches).
        var rng = SplitMix64(state: seed ^ 0x5eed)
        var shuffled = points
        for i in shuffled.indices.reversed() where i > 0 { shuffled.swapAt(i, rng.below(i + 1)) }
        for start in stride(from: 0, to: shuffled.count, by: 5_000) { rec.log(points: Array(shuffled[start..<min(shuffled.count, start + 5_000)])) }
        try rec.finish(.finished)
        #expect(points.count >= Store.tiledSeriesMinPoints)
        for level in MetricTiles.levels {
            // Ties make the extremes' steps depend on the order points arrived in: compare values,
            // and check that each extreme's step holds that value within the tile.
            let byStep = Dictionary(points.map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
            let got = try stored(store, run: rec.runID, level: level), want = try expected(store, run: rec.runID, keys: ["loss"], level: level)
            #expect(got.map { [$0.tile, $0.count] } == want.map { [$0.tile, $0.count] }, "\(level)")
            #expect(got.map { [$0.min, $0.max] } == want.map { [$0.min, $0.max] }, "\(level)")
            for t in got {
                #expect(t.minStep.map { $0 >> level.shift == t.tile && byStep[$0] == t.min } ?? (t.min == nil), "\(t)")
                #expect(t.maxStep.map { $0 >> level.shift == t.tile && byStep[$0] == t.max } ?? (t.max == nil), "\(t)")
            }
            let tiled = try #require(try store.tiledMetricPoints(run: rec.runID, key: "loss", levels: [level], minTiles: 0), "\(level)")
            #expect(tiled.total == points.count)
            #expect(zip(tiled.points, tiled.points.dropFirst()).allSatisfy { $0.x < $1.x }, "in step order")
            for wholeTiles in [1, 4, 32] {
                let shift = level.shift + wholeTiles.trailingZeroBitCount
                func extremes(_ ps: [(step: Int, value: Double)]) -> [Int: (min: Double, max: Double)] {
                    var out: [Int: (min: Double, max: Double)] = [:]
                    for p in ps where !p.value.isNaN {
                        let b = p.step >> shift, e = out[b]
                        out[b] = (Swift.min(e?.min ?? p.value, p.value), Swift.max(e?.max ?? p.value, p.value))
                    }
                    return out
                }
                let raw = extremes(points.map { ($0.step, $0.value) })
                let fromTiles = extremes(tiled.points.map { (Int($0.x), $0.y) })
                #expect(raw.count == fromTiles.count, "\(level), buckets of \(wholeTiles) tiles: an all-NaN bucket has no tiled point")
                for (b, e) in raw {
                    let t = fromTiles[b]
                    #expect(t?.min == e.min && t?.max == e.max, "\(level), bucket \(b) of \(wholeTiles) tiles: tiles \(String(describing: t)), raw \(e)")
                }
            }
        }
        #expect(raw(points).contains { $0.isInfinite } && raw(points).contains { $0.isNaN }, "the series is hostile")
        // A zoomed range: whole fine tiles inside it, raw points at its ragged ends.
        for _ in 0..<6 {
            let a = rng.below(160_000), b = rng.below(160_000), range = min(a, b)...max(a, b)
            guard let zoomed = try store.tiledMetricPoints(run: rec.runID, key: "loss", steps: range, minTiles: 1) else {
                #expect(range.count < 2 * MetricTiles.fine.size, "\(range) holds a whole fine tile")
                continue
            }
            #expect(zoomed.allSatisfy { range.contains(Int($0.x)) } && zip(zoomed, zoomed.dropFirst()).allSatisfy { $0.x < $1.x }, "\(range)")
            func byTile(_ ps: [(Int, Double)]) -> [Int: [Double]] {
                var out: [Int: [Double]] = [:]
                for (step, v) in ps where !v.isNaN {
                    let t = step >> MetricTiles.fine.shift, e = out[t]
                    out[t] = [Swift.min(e?[0] ?? v, v), Swift.max(e?[1] ?? v, v)]
                }
                return out
            }
            #expect(byTile(points.filter { range.contains($0.step) }.map { ($0.step, $0.value) }) == byTile(zoomed.map { (Int($0.x), $0.y) }), "\(range)")
        }
        #expect(try store.tiledMetricPoints(run: rec.runID, key: "loss", steps: 1_000...1_100, minTiles: 2) == nil, "one whole tile is fewer than asked for")
        // The reader's choice: ~88 coarse tiles are too few, the fine level has over a thousand.
        let chosen = try #require(try store.tiledMetricPoints(run: rec.runID, key: "loss"))
        #expect(chosen.points == (try store.tiledMetricPoints(run: rec.runID, key: "loss", levels: [MetricTiles.fine], minTiles: 0))?.points)
    }

    private func raw(_ points: [MetricPoint]) -> [Double] { points.map(\.value) }
}
