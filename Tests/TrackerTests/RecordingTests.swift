import Foundation
import Testing
@testable import Tracker

@Suite("Recording and reading")
struct RecordingTests {
    @Test("every record kind round-trips, including NaN, ±Inf, empty and Unicode keys", arguments: TestBackend.all)
    func roundTrip(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        let rec = try store.startRun(sampleStart("ünïcødé run"), batchSize: 3)
        let values: [Double] = [1.5, .nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        rec.log(points: values.enumerated().map { MetricPoint(key: "loss", step: $0.offset, epoch: 0, value: $0.element, wallTime: 100 + Double($0.offset)) })
        rec.log("", 3.25, step: 0)
        rec.log("精度/验证 🎯", 0.5, step: 1, epoch: 2)
        rec.log(gradStats: [GradStat(tensor: "layers.0.weight", step: 1, epoch: 0, l2: 0.5, mean: -0.1, std: 0.2, maxAbs: 1.5, zeroFraction: 0.25, updateRatio: 1e-3),
                            GradStat(tensor: "layers.0.bias", step: 1, l2: .nan, mean: 0, std: 0, maxAbs: 0, zeroFraction: 1, updateRatio: nil)])
        rec.log(layerStats: [LayerStat(layer: "layers.1", stat: "dead_fraction", step: 1, epoch: 0, value: 0.75)])
        rec.log(bnStats: [BNStat(layer: "layers.2", step: 10, epoch: 1, runningMean: [0.5, -1, .infinity], runningVar: [1, 2, 3])])
        rec.log(histograms: [HistogramRecord(tensor: "layers.0.weight", step: 10, epoch: 1, lo: -1, hi: 1, counts: [1, 0, 5, Int32.max])])
        rec.event("vanishing_gradients", "layer 1 gradient is tiny", level: .warning, step: 1, epoch: 0)
        let blob = (0..<10_000_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let ckpt = try rec.saveCheckpoint(blob, step: 10, epoch: 1, kind: .best)
        try rec.finish(.finished)

        let run = try store.resolveRun(rec.runID)
        #expect(run.status == .finished)
        #expect(run.name == "ünïcødé run")
        #expect(run.experiment == "exp")
        #expect(run.seed == 7)
        #expect(run.config == #"{"dropout":0.5,"epochs":3,"optimizer":{"lr":0.001,"name":"adam"}}"#)
        #expect(run.configHash == SHA256.hex(run.config))

        let loss = try store.metricSeries(run: run.id, key: "loss")
        #expect(loss.count == values.count)
        for (p, v) in zip(loss, values) {
            // SQLite keeps REALs by value: -0.0 reads back as 0.0 (equal under ==); everything else bit for bit.
            #expect(p.value == v ? (v == 0 || p.value.bitPattern == v.bitPattern) : (p.value.isNaN && v.isNaN), "step \(p.step): \(p.value) vs \(v)")
        }
        #expect(loss.map(\.wallTime) == (0..<values.count).map { 100 + Double($0) })
        #expect(try store.metricSeries(run: run.id, key: "").map(\.value) == [3.25])
        #expect(try store.metricSeries(run: run.id, key: "精度/验证 🎯").first?.epoch == 2)
        #expect(try store.metricKeys(run: run.id) == ["", "loss", "精度/验证 🎯"].sorted())

        let summary = try store.summary(of: run.id)
        let ls = try #require(summary.metrics["loss"])
        #expect(ls.count == values.count)
        #expect(ls.nanCount == 1)
        #expect(ls.min == -.infinity)
        #expect(ls.max == .infinity)
        #expect(ls.last == .greatestFiniteMagnitude)
        #expect(summary.params["optimizer.lr"] == .real(0.001))
        #expect(summary.params["epochs"] == .int(3))
        #expect(summary.params["optimizer.name"] == .text("adam"))

        let grads = try store.gradStats(run: run.id)
        #expect(grads.count == 2)
        #expect(grads.first { $0.tensor == "layers.0.weight" }?.updateRatio == 1e-3)
        #expect(grads.first { $0.tensor == "layers.0.bias" }?.l2.isNaN == true)
        #expect(try store.layerStats(run: run.id) == [LayerStat(layer: "layers.1", stat: "dead_fraction", step: 1, epoch: 0, value: 0.75)])
        #expect(try store.bnStats(run: run.id) == [BNStat(layer: "layers.2", step: 10, epoch: 1, runningMean: [0.5, -1, .infinity], runningVar: [1, 2, 3])])
        #expect(try store.histograms(run: run.id).first?.counts == [1, 0, 5, Int32.max])
        let events = try store.events(run: run.id)
        #expect(events.map(\.kind) == ["vanishing_gradients"])
        #expect(events.first?.level == .warning)

        let checkpoints = try store.checkpoints(run: run.id)
        #expect(checkpoints == [ckpt])
        #expect(ckpt.sha256 == SHA256.hex(blob))
        #expect(try store.checkpointData(ckpt) == blob)
        #expect(try store.latestCheckpoint(run: run.id) == ckpt)
        #expect(try store.checkpoint(run: run.id, step: 10) == ckpt)
        #expect(throws: TrackerError.self) { _ = try store.checkpoint(run: run.id, step: 11) }
    }

    @Test("a checkpoint whose bytes were altered is reported corrupt", arguments: TestBackend.all)
    func corruptCheckpoint(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        let rec = try store.startRun(sampleStart())
        let ckpt = try rec.saveCheckpoint([1, 2, 3, 4], step: 1, epoch: 0, kind: .periodic)
        try rec.finish(.finished)
        try store.db.run("UPDATE blobs SET data = x'01020305'")
        #expect(throws: TrackerError.checkpointCorrupt(id: ckpt.id, expected: ckpt.sha256, actual: SHA256.hex([1, 2, 3, 5] as [UInt8]))) {
            _ = try store.checkpointData(ckpt)
        }
    }

    @Test("params are immutable: the same value again is fine, a different one is an error", arguments: TestBackend.all)
    func immutableParams(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        let rec = try store.startRun(sampleStart())
        try rec.log(params: ["param_count": .int(1234), "note": .text("x")])
        try rec.log(params: ["param_count": .int(1234)])
        #expect(throws: TrackerError.self) { try rec.log(params: ["param_count": .int(99)]) }
        #expect(throws: TrackerError.self) { try rec.log(params: ["optimizer.lr": .real(0.1)]) }
        try rec.finish(.finished)
        #expect(try store.summary(of: rec.runID).params["param_count"] == .int(1234))
        #expect(throws: SQLiteError.self) { try store.db.run("UPDATE params SET value_text = '1'") }
    }

    @Test("a point logged twice at the same step replaces the first; the summary follows", arguments: TestBackend.all)
    func duplicateStep(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        let rec = try store.startRun(sampleStart(), batchSize: 2)
        rec.log("loss", 1, step: 0)
        rec.log("loss", 2, step: 1)
        rec.log("loss", 3, step: 1)
        rec.log("loss", .nan, step: 2)
        rec.log("loss", 0.5, step: 2)
        try rec.finish(.finished)
        #expect(try store.metricSeries(run: rec.runID, key: "loss").map(\.value) == [1, 3, 0.5])
        #expect(try store.summary(of: rec.runID).metrics["loss"]?.last == 0.5)
    }

    @Test("points reach the file within a heartbeat even when the batch is not full", arguments: TestBackend.all)
    func liveWithoutFlush(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("t.db")
        let store = try Store(path: path)
        let rec = try store.startRun(sampleStart())
        for i in 0..<10 { rec.log("loss", Double(i), step: i) }
        let reader = try Store(path: path, readOnly: true)
        let deadline = Date().addingTimeInterval(10)
        while try reader.metricSeries(run: rec.runID, key: "loss").count < 10, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(try reader.metricSeries(run: rec.runID, key: "loss").count == 10)
        try rec.finish(.finished)
    }

    @Test("nothing is lost: flush makes every point durable and readable from another connection", arguments: TestBackend.all)
    func flushIsDurable(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("t.db")
        let store = try Store(path: path)
        let rec = try store.startRun(sampleStart(), batchSize: 1000)
        for i in 0..<12_345 { rec.log("loss", Double(i), step: i) }
        try rec.flush()
        let other = try Store(path: path, readOnly: true)
        #expect(try other.metricSeries(run: rec.runID, key: "loss").count == 12_345)
        #expect(try other.resolveRun(rec.runID).status == .running)
        try rec.finish(.finished)
        #expect(try other.resolveRun(rec.runID).status == .finished)
    }

    @Test("run ids resolve by unique prefix; unknown ids suggest close ones; ambiguous prefixes list candidates", arguments: TestBackend.all)
    func prefixes(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        var ids: [String] = []
        for i in 0..<40 {
            let r = try store.startRun(sampleStart("r\(i)"))
            try r.finish(.finished)
            ids.append(r.runID)
        }
        #expect(Set(ids).count == 40)
        for id in ids {
            #expect(try store.resolveRun(id).id == id)
            #expect(try store.resolveRun(id.uppercased()).id == id)
        }
        // Some one-character prefix is shared by at least two of 40 runs (16 hex digits).
        let groups = Dictionary(grouping: ids, by: { $0.prefix(1) })
        let shared = try #require(groups.first { $0.value.count > 1 })
        #expect {
            _ = try store.resolveRun(String(shared.key))
        } throws: { error in
            guard case TrackerError.ambiguousRun(_, let candidates) = error else { return false }
            return candidates.count == shared.value.count
        }
        let typo = String(ids[0].dropLast()) + (ids[0].last == "0" ? "1" : "0")
        if !ids.contains(typo) {
            #expect {
                _ = try store.resolveRun(typo)
            } throws: { error in
                guard case TrackerError.runNotFound(_, let suggestions) = error else { return false }
                return suggestions.contains(ids[0])
            }
        }
        #expect(throws: TrackerError.self) { _ = try store.resolveRun("'; DROP TABLE runs; --") }
        #expect(try store.runs().count == 40)
    }

    @Test("a run whose process is gone reads as crashed, with an event", arguments: TestBackend.all)
    func liveness(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("t.db")
        let store = try Store(path: path)
        let rec = try store.startRun(sampleStart())
        try rec.flush()
        // Pretend the run belongs to a process that has exited.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        try store.db.run("UPDATE runs SET pid = ? WHERE id = ?", [.int(Int(child.processIdentifier)), .text(rec.runID)])
        let other = try Store(path: path)
        #expect(try other.resolveRun(rec.runID).status == .crashed)
        #expect(try other.events(run: rec.runID).map(\.kind) == ["crashed"])

        // A live process with a stale heartbeat is also crashed; a fresh one is not.
        let rec2 = try store.startRun(sampleStart("alive"))
        try rec2.flush()
        #expect(try Store(path: path).resolveRun(rec2.runID).status == .running)
        try store.db.run("UPDATE runs SET heartbeat_at = heartbeat_at - 3600 WHERE id = ?", [.text(rec2.runID)])
        #expect(try Store(path: path).resolveRun(rec2.runID).status == .crashed)
    }

    @Test("resume drops points after the checkpoint step and recomputes summaries", arguments: TestBackend.all)
    func resume(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        let rec = try store.startRun(sampleStart())
        for i in 0..<100 { rec.log("loss", Double(100 - i), step: i) }
        try rec.saveCheckpoint([9], step: 49, epoch: 0, kind: .periodic)
        try rec.saveCheckpoint([10], step: 80, epoch: 1, kind: .periodic)
        try rec.finish(.interrupted)
        let again = try store.takeOverRun(rec.run, afterStep: 49)
        #expect(try store.metricSeries(run: rec.runID, key: "loss").count == 50)
        let s = try #require(try store.summary(of: rec.runID).metrics["loss"])
        #expect(s.count == 50 && s.lastStep == 49 && s.min == 51 && s.max == 100)
        #expect(try store.checkpoints(run: rec.runID).map(\.step) == [49])
        #expect(try store.resolveRun(rec.runID).status == .running)
        #expect(try store.events(run: rec.runID).last?.kind == "resume")
        try again.finish(.finished)
    }

    @Test("soft delete hides a run; gc purges it with its orphaned blobs", arguments: TestBackend.all)
    func deleteAndGC(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        let a = try store.startRun(sampleStart("a"))
        try a.saveCheckpoint([1, 2, 3], step: 1, epoch: 0, kind: .last)
        a.log("loss", 1, step: 1)
        try a.finish(.finished)
        let b = try store.startRun(sampleStart("b"))
        try b.finish(.finished)
        try store.setTag(run: b.runID, key: "note", value: "keep")
        _ = try store.deleteRun(a.runID)
        #expect(try store.runs().map(\.id) == [b.runID])
        #expect(throws: TrackerError.self) { _ = try store.resolveRun(a.runID) }
        let purged = try store.purgeDeleted()
        #expect(purged.runs == 1 && purged.blobs == 1)
        #expect(try store.db.first("SELECT count(*) FROM metrics") { $0.int(0) } == 0)
        #expect(try store.summary(of: b.runID).tags == ["note": "keep"])
        #expect(try store.integrityCheck() == "ok")
    }
}
