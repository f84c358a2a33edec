import Foundation
import Testing
@testable import Tracker

/// The set-based paths give exactly what the statement-by-statement ones gave: on PostgreSQL
/// the recorder's COPY of a batch and its one upsert per table (`PGMetricBatch`) against a
/// multi-row INSERT per chunk and an upsert per key and tile; and `compare`'s best epochs,
/// read in chunks, against one lookup per run. SQLite runs the same checks (its path is one
/// row at a time either way).
@Suite("Bulk writes and reads")
struct BulkWriteTests {
    /// A stored point, its value NULL (nil) for NaN.
    struct StoredPoint: Equatable, CustomStringConvertible {
        var key: String, step: Int, epoch: Int?, value: Double?, wallTime: Double
        var description: String { "\(key)@\(step) e\(epoch.map { String($0) } ?? "-") \(value.map { "\($0)" } ?? "NULL") t\(wallTime)" }
        /// Bit for bit (−0 apart from 0, where the store keeps them apart).
        func identical(_ o: StoredPoint) -> Bool {
            key == o.key && step == o.step && epoch == o.epoch && value?.bitPattern == o.value?.bitPattern && wallTime.bitPattern == o.wallTime.bitPattern
        }
    }

    /// Seeded batches over 40 keys. Batch kinds in turn: fresh rising steps (the COPY), fresh
    /// steps plus a step an earlier batch stored (the COPY's conflict, then the replacing path),
    /// fresh steps with steps repeated within the batch, fresh steps out of order (repeated
    /// tiles, no repeated step: the COPY). Values include NaN, ±Inf, ±0 and the extremes;
    /// every fourth batch is far larger than one COPY chunk.
    static func batches(seed: UInt64, count: Int = 12) -> [[MetricPoint]] {
        var rng = SplitMix64(state: seed)
        let keys = (0..<40).map { "k\($0)/" + ["loss", "acc", "λ µ"][$0 % 3] }
        var next = [Int](repeating: 0, count: keys.count), stored: [[Int]] = keys.map { _ in [] }
        let specials: [Double] = [.nan, .infinity, -.infinity, -0.0, 0, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, 1e-300]
        func point(_ k: Int, _ step: Int) -> MetricPoint {
            let value = rng.below(12) == 0 ? specials[rng.below(specials.count)] : rng.unit() * 4 - 2
            return MetricPoint(key: keys[k], step: step, epoch: rng.below(5) == 0 ? nil : step / 97, value: value,
                               wallTime: 1.7e9 + Double(rng.below(1 << 30)) / 1024)
        }
        var out: [[MetricPoint]] = []
        for b in 0..<count {
            let size = b % 4 == 3 ? 14_000 + rng.below(6_000) : 1 + rng.below(2_500)
            var batch: [MetricPoint] = []
            for _ in 0..<size {
                // A few keys dominate, so their tiles fill; the rest are sparse.
                let k = rng.below(3) == 0 ? rng.below(keys.count) : rng.below(4)
                batch.append(point(k, next[k]))
                stored[k].append(next[k])
                next[k] += 1 + rng.below(3)
            }
            switch b % 4 {
            case 1:
                let k = (0..<keys.count).first { stored[$0].count > batchCount(batch, keys[$0]) } ?? 0
                let old = stored[k][rng.below(max(1, stored[k].count - batchCount(batch, keys[k])))]
                batch.insert(point(k, old), at: rng.below(batch.count + 1))
            case 2:
                for _ in 0..<(1 + size / 50) {
                    let p = batch[rng.below(batch.count)]
                    batch.insert(point(keys.firstIndex(of: p.key) ?? 0, p.step), at: rng.below(batch.count + 1))
                }
            case 3:
                for i in stride(from: batch.count - 1, to: 0, by: -1) { batch.swapAt(i, rng.below(i + 1)) }
            default: break
            }
            out.append(batch)
        }
        return out
    }

    static func batchCount(_ batch: [MetricPoint], _ key: String) -> Int { batch.reduce(0) { $0 + ($1.key == key ? 1 : 0) } }

    func points(_ db: Connection, runSeq: Int64) throws -> [StoredPoint] {
        try db.query("""
            SELECT k.name, m.step, m.epoch, m.value, m.wall_time FROM metrics m JOIN keys k ON k.id = m.key_id
            WHERE m.run_seq = ? ORDER BY k.name, m.step
            """, [.integer(runSeq)]) {
            StoredPoint(key: $0.text(0), step: Int($0.int(1)), epoch: $0.optionalInt(2).map { Int($0) }, value: $0.optionalDouble(3), wallTime: $0.double(4))
        }
    }

    /// Rows of a summary or tile table of one run, every column but the run, as text.
    func rows(_ db: Connection, _ table: String, runSeq: Int64, order: String) throws -> [[SQLValue]] {
        let stmt = try db.prepare("SELECT * FROM \(table) WHERE run_seq = ? ORDER BY \(order)")
        return try stmt.rows([.integer(runSeq)]) { row in (0..<statementColumns(row)).map { row.value($0) } }
    }

    func statementColumns(_ row: Row) -> Int32 { row.statement.columnCount }

    @Test("bulk metric writes store what one statement at a time stored: repeats within and across batches, NaN/±Inf, 40 keys, batches over a COPY chunk",
          arguments: TestBackend.all, [11, 12] as [UInt64])
    func bulkEqualsStatementByStatement(backend: TestBackend, seed: UInt64) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("bulk.db")
        let store = try Store(path: path)
        let bulkRun = try store.startRun(sampleStart("bulk"), batchSize: 1)
        try bulkRun.finish(.finished)
        let refRun = try store.startRun(sampleStart("ref"), batchSize: 1)
        try refRun.finish(.finished)
        let bulk = RecordWriter(db: try Connection(path: path, mode: .readWrite))
        let ref = RecordWriter(db: try Connection(path: path, mode: .readWrite))
        ref.postgresBulk = false
        let batches = BulkWriteTests.batches(seed: seed)
        #expect(batches.contains { $0.count * 74 > 2 * PGConnection.copyChunk }, "a batch spans several COPY chunks")

        // The model: the last point logged at a step wins.
        var want: [String: StoredPoint] = [:]
        for (i, batch) in batches.enumerated() {
            let a = try bulk.db.transaction { try bulk.writeMetrics(batch, runSeq: bulkRun.run.seq) }
            let b = try ref.db.transaction { try ref.writeMetrics(batch, runSeq: refRun.run.seq) }
            #expect(a.rewritten.map { "\($0.keyID)@\($0.step)" } == b.rewritten.map { "\($0.keyID)@\($0.step)" }, "batch \(i): the replaced points")
            switch i % 4 {
            case 0, 3: #expect(a.rewritten.isEmpty, "batch \(i) replaces nothing")
            default: #expect(!a.rewritten.isEmpty, "batch \(i) replaces a stored point")
            }
            for p in batch {
                want["\(p.key)@\(p.step)"] = StoredPoint(key: p.key, step: p.step, epoch: p.epoch, value: p.value.isNaN ? nil : p.value, wallTime: p.wallTime)
            }
        }
        let got = try points(store.db, runSeq: bulkRun.run.seq), reference = try points(store.db, runSeq: refRun.run.seq)
        #expect(got.count == want.count && got.count > 40_000)
        #expect(got.count == reference.count && zip(got, reference).allSatisfy { $0.identical($1) }, "bulk and statement-by-statement rows, bit for bit")
        #expect(got == want.values.sorted { ($0.key, $0.step) < ($1.key, $1.step) }, "the last point logged at a step is stored")
        #expect(got.contains { $0.value == .infinity } && got.contains { $0.value == -.infinity } && got.contains { $0.value == nil })

        for (table, order) in [("latest_metrics", "key_id"), ("metric_tiles", "key_id, tile"), ("metric_fine_tiles", "key_id, tile")] {
            let x = try rows(store.db, table, runSeq: bulkRun.run.seq, order: order).map { Array($0.dropFirst()) }
            let y = try rows(store.db, table, runSeq: refRun.run.seq, order: order).map { Array($0.dropFirst()) }
            #expect(!x.isEmpty && x == y, "\(table): bulk equals statement by statement")
        }
        // And the summaries and tiles are those of the stored points.
        let summary = try store.summary(of: bulkRun.runID).metrics
        for (key, pts) in Dictionary(grouping: got, by: \.key) {
            let values = pts.compactMap(\.value)
            #expect(summary[key]?.count == pts.count && summary[key]?.nanCount == pts.count - values.count, "\(key): counts")
            #expect(summary[key]?.min == values.min() && summary[key]?.max == values.max(), "\(key): extremes")
            #expect(summary[key]?.lastStep == pts.last?.step, "\(key): last step")
        }
        for level in MetricTiles.levels {
            var tiles: [String: (count: Int, min: Double?, max: Double?)] = [:]
            for p in got {
                let id = "\(p.key)#\(level.tile(p.step))"
                var t = tiles[id] ?? (0, nil, nil)
                t.count += 1
                if let v = p.value { t.min = Swift.min(t.min ?? v, v); t.max = Swift.max(t.max ?? v, v) }
                tiles[id] = t
            }
            let stored = try store.db.query("""
                SELECT k.name, t.tile, t.count, t.min_value, t.max_value FROM \(level.table) t JOIN keys k ON k.id = t.key_id WHERE t.run_seq = ?
                """, [.integer(bulkRun.run.seq)]) { ("\($0.text(0))#\($0.int(1))", Int($0.int(2)), $0.optionalDouble(3), $0.optionalDouble(4)) }
            #expect(stored.count == tiles.count, "\(level): one row a touched tile")
            for s in stored {
                let t = tiles[s.0]
                #expect(t?.count == s.1 && t?.min == s.2 && t?.max == s.3, "\(level) \(s.0)")
            }
        }
    }

    @Test("a batch written outside a transaction (no savepoint) replaces a stored step and adds the rest", arguments: TestBackend.all)
    func outsideTransaction(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("lone.db")
        let store = try Store(path: path)
        let run = try store.startRun(sampleStart(), batchSize: 1)
        try run.finish(.finished)
        let w = RecordWriter(db: try Connection(path: path, mode: .readWrite))
        try w.writeMetrics([MetricPoint(key: "loss", step: 3, epoch: 0, value: 0.5, wallTime: 1)], runSeq: run.run.seq)
        let again = try w.writeMetrics([MetricPoint(key: "loss", step: 3, epoch: 1, value: .infinity, wallTime: 2),
                                        MetricPoint(key: "loss", step: 4, epoch: 1, value: .nan, wallTime: 2)], runSeq: run.run.seq)
        #expect(again.rewritten.map(\.step) == [3])
        let got = try points(store.db, runSeq: run.run.seq)
        #expect(got == [StoredPoint(key: "loss", step: 3, epoch: 1, value: .infinity, wallTime: 2),
                        StoredPoint(key: "loss", step: 4, epoch: 1, value: nil, wallTime: 2)])
        let s = try #require(try store.summary(of: run.runID).metrics["loss"])
        #expect(s.count == 2 && s.nanCount == 1 && s.max == .infinity && s.lastStep == 4)
    }

    @Test("compare's best epochs, read in chunks, equal one lookup per run (seeded runs, over one chunk)", arguments: TestBackend.all)
    func compareEpochsEqualPerRun(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("cmp.db"))
        var rng = SplitMix64(state: 5)
        let runs = Store.epochReadChunk + 17
        for i in 0..<runs {
            let rec = try store.startRun(RunStart(experiment: "e", name: "r\(i)", config: .object(["dropout": .double([0, 0.5][i % 2])]), seed: UInt64(i)),
                                         batchSize: 10_000)
            // Some runs lack val_acc, some log no epoch, some tie their best (the first step wins).
            let steps = 1 + rng.below(30)
            for s in 0..<steps {
                let epoch: Int? = i % 5 == 4 ? nil : s / 3
                var values: [(String, Double)] = [("train_acc", rng.unit()), ("val_loss", rng.unit())]
                if i % 7 != 6 { values.append(("val_acc", i % 11 == 10 ? 0.5 : (rng.below(9) == 0 ? .nan : rng.unit()))) }
                rec.log(values, step: s * 5 + i % 3, epoch: epoch)
            }
            try rec.finish(.finished)
        }
        for valMetric in ["val_acc", "val_loss"] {
            let c = try store.compare(where: nil, valMetric: valMetric)
            #expect(c.rows.count == runs)
            #expect(c.rows.filter { $0.bestEpoch != nil }.count > runs / 2)
            for row in c.rows {
                let seq = try store.resolveSeq(row.run.id)
                let perRun = try row.bestStep.flatMap { try store.epoch(runSeq: seq, key: c.bestMetric, step: $0) }
                #expect(row.bestEpoch == perRun, "\(row.run.name): best epoch")
                let summary = try store.summary(of: row.run.id).metrics[c.bestMetric]
                #expect(row.bestStep == summary.flatMap { MetricGoal(metric: c.bestMetric).best(of: $0)?.step })
            }
            let some = try store.compare(runs: c.rows.prefix(3).map(\.run.id) + [c.rows[0].run.id], valMetric: valMetric)
            #expect(some.rows.map(\.bestEpoch) == (c.rows.prefix(3) + [c.rows[0]]).map(\.bestEpoch), "the same run twice")
        }
    }
}
