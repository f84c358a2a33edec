import Foundation
import Testing
@testable import Tracker

/// The recorder's min/max tiles always equal an aggregate of the stored points: across
/// batches, out of order, with NaN, with steps logged twice, and after a resume.
@Suite("Metric tiles")
struct MetricTilesTests {
    struct TileRow: Equatable, CustomStringConvertible {
        var key: String, tile: Int, count: Int
        var minStep: Int?, min: Double?, maxStep: Int?, max: Double?
        var description: String { "\(key)#\(tile): n=\(count) min \(min.map { "\($0)" } ?? "-")@\(minStep ?? -1) max \(max.map { "\($0)" } ?? "-")@\(maxStep ?? -1)" }
    }

    /// Tiles as stored.
    func stored(_ store: Store, run: String) throws -> [TileRow] {
        let seq = try store.resolveSeq(run)
        return try store.db.query("""
            SELECT k.name, t.tile, t.count, t.min_step, t.min_value, t.max_step, t.max_value
            FROM metric_tiles t JOIN keys k ON k.id = t.key_id WHERE t.run_seq = ? ORDER BY k.name, t.tile
            """, [.integer(seq)]) {
            TileRow(key: $0.text(0), tile: Int($0.int(1)), count: Int($0.int(2)), minStep: $0.optionalInt(3).map { Int($0) }, min: $0.optionalDouble(4),
                    maxStep: $0.optionalInt(5).map { Int($0) }, max: $0.optionalDouble(6))
        }
    }

    /// Tiles computed here from the stored points (values are distinct, so extremes' steps are unique).
    func expected(_ store: Store, run: String, keys: [String]) throws -> [TileRow] {
        var out: [TileRow] = []
        for key in keys.sorted() {
            var tiles: [Int: TileRow] = [:]
            for p in try store.metricPoints(run: run, key: key) {
                let step = Int(p.x), t = step >> 10
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
        #expect(try store.tiledMetricPoints(run: rec.runID, key: "loss") == nil, "30,002 points left: below the tiled threshold")
    }

    @Test("a run recorded before tiles existed is read point by point", arguments: TestBackend.all)
    func untiled(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("old.db"))
        let rec = try store.startRun(sampleStart(), batchSize: 100_000)
        rec.log(points: (0..<600_000).map { MetricPoint(key: "loss", step: $0, epoch: nil, value: Double($0 % 1000), wallTime: 0) })
        try rec.finish(.finished)
        #expect(try store.tiledMetricPoints(run: rec.runID, key: "loss")?.total == 600_000)
        try store.db.run("DELETE FROM metric_tiles WHERE tile % 2 = 0")
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
            // As a version-1 file: no tiles table, migration 2 not recorded.
            try store.db.execute("DROP TABLE metric_tiles; DELETE FROM schema_migrations WHERE version = 2")
        }
        let viewer = try Store(path: path, readOnly: true)
        #expect(try viewer.tiledMetricPoints(run: runID, key: "loss") == nil)
        #expect(try viewer.metricPoints(run: runID, key: "loss").count == 600_000)
        #expect(try Store.upgradeSchema(path: path))
        #expect(try Store.upgradeSchema(path: path) == false)
        #expect(try Store(path: path, readOnly: true).schemaVersion() == Store.supportedSchemaVersion)
    }
}
