import Foundation
import Testing
@testable import Tracker

@Suite("MLflow operations on the store")
struct MLflowStoreTests {
    func store(_ tmp: TempDir) throws -> Store { try Store(path: tmp.store("m.db"), access: .record) }

    @Test("a client's run is an ordinary run: origin mlflow-client, tracker id = first 8 hex of the uuid, both accepted", arguments: TestBackend.all)
    func runIsOrdinary(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let s = try store(tmp)
        let exp = try s.mlflowCreateExperiment(name: "e")
        let run = try s.mlflowCreateRun(experimentID: exp, name: "r", startTime: 1_700_000_000_000, tags: [("k", "v")], userID: "me")
        #expect(run.runID.count == 32 && run.trackerID == String(run.runID.prefix(8)))
        #expect(try s.mlflowRun(run.trackerID).runID == run.runID)
        let info = try s.resolveRun(run.trackerID)
        #expect(info.origin == .mlflowClient && info.status == .running && info.name == "r")
        #expect(try s.summary(of: run.trackerID).tags["mlflow.user"] == "me")
        // Reopening the store (a writer marks dead runs crashed) leaves a client's run running.
        let again = try Store(path: tmp.store("m.db"), access: .record)
        #expect(try again.resolveRun(run.trackerID).status == .running)
        _ = try s.mlflowUpdateRun(run.runID, status: "KILLED", endTime: 1_700_000_001_000, name: nil)
        #expect(try s.resolveRun(run.trackerID).status == .interrupted)
        #expect(try s.mlflowRun(run.runID).status == "KILLED")
    }

    @Test("params are immutable: the same value again is accepted, another value refuses the whole batch", arguments: TestBackend.all)
    func paramsImmutable(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let s = try store(tmp)
        let run = try s.mlflowCreateRun(experimentID: "0", name: nil, startTime: nil, tags: [], userID: nil)
        try s.mlflowLogBatch(run.runID, metrics: [], params: [("lr", "0.001"), ("name", "007")], tags: [])
        try s.mlflowLogBatch(run.runID, metrics: [], params: [("lr", "0.001")], tags: [])
        #expect(throws: MLflowError.self) {
            try s.mlflowLogBatch(run.runID, metrics: [MLflowMetric(key: "m", value: 1, timestamp: 1, step: 0)], params: [("lr", "0.01")], tags: [])
        }
        #expect(try s.mlflowMetricHistory(run.runID, key: "m", limit: 10, offset: 0).points.isEmpty)
        let params = Dictionary(try s.mlflowRun(run.runID).params.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(params == ["lr": "0.001", "name": "007"])
        // Typed where the text is canonical, so tracker's filters compare numbers.
        #expect(try s.runs(where: "params.lr < 0.01").count == 1)
    }

    @Test("log-batch limits: 1000 metrics, 100 params, 100 tags accepted; one more refused", arguments: TestBackend.all)
    func batchLimits(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let s = try store(tmp)
        let id = try s.mlflowCreateRun(experimentID: "0", name: nil, startTime: nil, tags: [], userID: nil).runID
        let metrics = (0..<1000).map { MLflowMetric(key: "m", value: Double($0), timestamp: 1, step: Int64($0)) }
        let params = (0..<100).map { ("p\($0)", "\($0)") }, tags = (0..<100).map { ("t\($0)", "x") }
        try s.mlflowLogBatch(id, metrics: metrics, params: params, tags: tags)
        #expect(throws: MLflowError.self) { try s.mlflowLogBatch(id, metrics: metrics + [metrics[0]], params: [], tags: []) }
        #expect(throws: MLflowError.self) { try s.mlflowLogBatch(id, metrics: [], params: params + [("q", "1")], tags: []) }
        #expect(throws: MLflowError.self) { try s.mlflowLogBatch(id, metrics: [], params: [], tags: tags + [("u", "1")]) }
        let page = try s.mlflowMetricHistory(id, key: "m", limit: 300, offset: 900)
        #expect(page.points.map(\.step) == Array(900..<1000).map(Int64.init) && page.next == nil)
        #expect(try s.mlflowMetricHistory(id, key: "m", limit: 300, offset: 0).next == 300)
    }

    @Test("random doubles (NaN, ±Inf, subnormals) and ms timestamps read back bit-exact", arguments: TestBackend.all)
    func valuesBitExact(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let s = try store(tmp)
        let id = try s.mlflowCreateRun(experimentID: "0", name: nil, startTime: nil, tags: [], userID: nil).runID
        var g = SplitMix64(state: 14)
        var values: [Double] = [.nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        while values.count < 400 {
            let d = Double(bitPattern: g.next())
            if d == 0 && d.sign == .minus { continue }  // -0.0 reads back as 0.0 (SQLite)
            values.append(d.isNaN ? .nan : d)
        }
        let stamps = (0..<values.count).map { _ in Int64(g.next() % 4_000_000_000_000) }
        try s.mlflowLogBatch(id, metrics: zip(values, stamps).enumerated().map { MLflowMetric(key: "v", value: $1.0, timestamp: $1.1, step: Int64($0)) },
                             params: [], tags: [])
        let back = try s.mlflowMetricHistory(id, key: "v", limit: 1000, offset: 0).points
        #expect(back.map { $0.value.isNaN ? Double.nan.bitPattern : $0.value.bitPattern } == values.map { $0.isNaN ? Double.nan.bitPattern : $0.bitPattern })
        #expect(back.map(\.timestamp) == stamps)
    }

    @Test("hostile run ids, keys and artifact paths (generated) are refused with MLflow errors, never stored", arguments: TestBackend.all)
    func hostileInputs(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let s = try store(tmp)
        let id = try s.mlflowCreateRun(experimentID: "0", name: nil, startTime: nil, tags: [], userID: nil).runID
        var g = SplitMix64(state: 99)
        let alphabet = Array("abcdef0123456789%_'\"\\/.-;\u{0}é ")
        for _ in 0..<200 {
            let length = Int(g.next() % 40)
            let text = String((0..<length).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
            if text != id && text != String(id.prefix(8)) {
                #expect(throws: MLflowError.self) { _ = try s.mlflowRun(text) }
            }
            let path = "../" + text
            #expect(throws: MLflowError.self) { try s.mlflowPutArtifact(id, path: path, bytes: [1]) }
        }
        #expect(throws: MLflowError.self) { try s.mlflowLogBatch(id, metrics: [MLflowMetric(key: "", value: 1, timestamp: 1, step: 0)], params: [], tags: []) }
        #expect(throws: MLflowError.self) { try s.mlflowLogBatch(id, metrics: [], params: [(String(repeating: "k", count: 251), "v")], tags: []) }
        #expect(throws: MLflowError.self) { try s.mlflowLogBatch(id, metrics: [], params: [("k", String(repeating: "v", count: 6001))], tags: []) }
        #expect(try s.mlflowListArtifacts(id, directory: "").isEmpty)
    }

    @Test("artifacts: stored as blobs, listed by folder, verified by SHA-256, kept by gc while the run lives", arguments: TestBackend.all)
    func artifacts(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let s = try store(tmp)
        let id = try s.mlflowCreateRun(experimentID: "0", name: nil, startTime: nil, tags: [], userID: nil).runID
        try s.mlflowPutArtifact(id, path: "model.bin", bytes: [1, 2, 3])
        try s.mlflowPutArtifact(id, path: "plots/a.svg", bytes: Array("<svg/>".utf8))
        #expect(throws: MLflowError.self) { try s.mlflowPutArtifact(id, path: "plots", bytes: [0]) }
        #expect(try s.mlflowListArtifacts(id, directory: "") == [
            MLflowArtifact(path: "model.bin", isDirectory: false, size: 3), MLflowArtifact(path: "plots", isDirectory: true, size: nil),
        ])
        #expect(try s.mlflowArtifact(id, path: "model.bin") == [1, 2, 3])
        _ = try s.purgeDeleted()
        #expect(try s.mlflowArtifact(id, path: "plots/a.svg") == Array("<svg/>".utf8))
        // A blob changed behind the store's back is refused on read.
        try s.db.run("UPDATE blobs SET data = ? WHERE size = 3", [.blob([9, 9, 9])])
        #expect(throws: MLflowError.self) { _ = try s.mlflowArtifact(id, path: "model.bin") }
    }

    @Test("search: MLflow's statuses, 32-hex ids and millisecond times are translated; pages; bad filters refused", arguments: TestBackend.all)
    func search(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let s = try store(tmp)
        let exp = try s.mlflowCreateExperiment(name: "e")
        var ids: [String] = []
        for i in 0..<5 {
            let r = try s.mlflowCreateRun(experimentID: exp, name: "r\(i)", startTime: 1_700_000_000_000 + Int64(i) * 1000, tags: [], userID: nil)
            try s.mlflowLogBatch(r.runID, metrics: [MLflowMetric(key: "acc", value: Double(i), timestamp: 1, step: 0)], params: [], tags: [])
            _ = try s.mlflowUpdateRun(r.runID, status: i < 2 ? "KILLED" : "FINISHED", endTime: nil, name: nil)
            ids.append(r.runID)
        }
        func names(_ filter: String?, order: [String] = [], limit: Int = 100, offset: Int = 0) throws -> [String] {
            try s.mlflowSearchRuns(experimentIDs: [exp], filter: filter, view: .activeOnly, orderBy: order, limit: limit, offset: offset).runs.map(\.name)
        }
        #expect(try names("attributes.status = 'KILLED'").sorted() == ["r0", "r1"])
        #expect(try names("attributes.run_id = '\(ids[3])'") == ["r3"])
        #expect(try names("attributes.start_time > 1700000002500").sorted() == ["r3", "r4"])
        #expect(try names(nil, order: ["metrics.acc ASC"]) == ["r0", "r1", "r2", "r3", "r4"])
        #expect(try names(nil, order: ["metrics.acc ASC"], limit: 2, offset: 2) == ["r2", "r3"])
        #expect(throws: MLflowError.self) { _ = try names("metrics.acc >") }
        #expect(throws: MLflowError.self) { _ = try names(nil, order: ["bogus.x DESC"]) }
    }

    @Test("a search page read in chunks (past one chunk of runs) equals each run read alone, in the search's order", arguments: TestBackend.all)
    func searchPageEqualsSingleReads(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let s = try store(tmp)
        let exp = try s.mlflowCreateExperiment(name: "e")
        var rng = SplitMix64(state: 21)
        let n = Store.mlflowReadChunk + 37
        for i in 0..<n {
            let r = try s.mlflowCreateRun(experimentID: exp, name: "r\(i)", startTime: 1_700_000_000_000 + Int64(rng.next() % 1_000_000), tags: [("t\(i % 3)", "v\(i)")], userID: i % 2 == 0 ? "u" : nil)
            let params = (0..<Int(rng.next() % 4)).map { ("p\($0)", "\(rng.next() % 100)") }
            let metrics = (0..<Int(rng.next() % 3)).map { MLflowMetric(key: "m\($0)", value: Double(bitPattern: rng.next()), timestamp: Int64(rng.next() % 1_000_000), step: Int64(rng.next() % 50)) }
            try s.mlflowLogBatch(r.runID, metrics: metrics, params: params, tags: [])
            if i % 5 == 0 { _ = try s.mlflowUpdateRun(r.runID, status: "FINISHED", endTime: nil, name: nil) }
        }
        let page = try s.mlflowSearchRuns(experimentIDs: [exp], filter: nil, view: .activeOnly, orderBy: [], limit: n, offset: 0).runs
        #expect(page.count == n)
        let starts = page.compactMap(\.startTime)
        #expect(starts == starts.sorted(by: >))
        func same(_ a: MLflowRun, _ b: MLflowRun) -> Bool {
            a.runID == b.runID && a.name == b.name && a.status == b.status && a.startTime == b.startTime && a.endTime == b.endTime
                && a.userID == b.userID && a.lifecycleStage == b.lifecycleStage
                && a.params.map { "\($0.key)=\($0.value)" } == b.params.map { "\($0.key)=\($0.value)" }
                && a.tags.map { "\($0.key)=\($0.value)" } == b.tags.map { "\($0.key)=\($0.value)" }
                && a.metrics.map { "\($0.key) \($0.value.bitPattern) \($0.timestamp) \($0.step)" } == b.metrics.map { "\($0.key) \($0.value.bitPattern) \($0.timestamp) \($0.step)" }
        }
        for run in page { #expect(same(run, try s.mlflowRun(run.runID))) }
    }

    @Test("experiments: duplicate names refused, delete hides runs, restore brings them back, filters by name and tag", arguments: TestBackend.all)
    func experiments(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let s = try store(tmp)
        let a = try s.mlflowCreateExperiment(name: "alpha", tags: [("team", "x")])
        _ = try s.mlflowCreateExperiment(name: "beta")
        #expect(throws: MLflowError.self) { _ = try s.mlflowCreateExperiment(name: "alpha") }
        let run = try s.mlflowCreateRun(experimentID: a, name: nil, startTime: nil, tags: [], userID: nil)
        try s.mlflowSetExperimentDeleted(id: a, true)
        #expect(try s.mlflowExperiment(id: a).lifecycleStage == "deleted")
        #expect(try s.mlflowRun(run.runID).lifecycleStage == "deleted")
        try s.mlflowSetExperimentDeleted(id: a, false)
        #expect(try s.mlflowRun(run.runID).lifecycleStage == "active")
        let found = try s.mlflowSearchExperiments(view: .all, filter: try MLflowExperimentFilter("name LIKE 'al%' AND tags.team = 'x'"), limit: 10, offset: 0)
        #expect(found.experiments.map(\.name) == ["alpha"])
        #expect(throws: MLflowError.self) { _ = try MLflowExperimentFilter("name ~ 'x'") }
        #expect(throws: MLflowError.self) { _ = try s.mlflowExperiment(id: "99999999999999999999") }
    }
}

@Suite("Gradient statistics from MLflow clients")
struct MLflowGradientTests {
    @Test("grad/TENSOR/STAT metrics land in grad_stats (the gradient report reads them), other keys stay metric series", arguments: TestBackend.all)
    func gradientKeys(backend: TestBackend) throws {
        let plain = try #require(Store.gradientKey("grad/layers.0.weight/l2"))
        #expect(plain.tensor == "layers.0.weight" && plain.column == "l2")
        let slashed = try #require(Store.gradientKey("grad/a/b/max_abs"))
        #expect(slashed.tensor == "a/b" && slashed.column == "max_abs")
        for other in ["grad/x/other", "grad//l2", "gradx/l2", "loss", "grad/l2"] { #expect(Store.gradientKey(other) == nil, "\(other)") }
        // Generated keys from the pieces of the convention never crash the split.
        var g = SplitMix64(state: 5)
        let pieces = ["grad", "/", "l2", "std", ".", "x", "é", ""]
        for _ in 0..<500 {
            let key = (0..<Int(g.next() % 8)).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined()
            if let k = Store.gradientKey(key) { #expect(!k.tensor.isEmpty && key == "grad/\(k.tensor)/\(k.column)") }
        }
        let tmp = TempDir(backend)
        let s = try Store(path: tmp.store("g.db"), access: .record)
        let id = try s.mlflowCreateRun(experimentID: "0", name: nil, startTime: nil, tags: [], userID: nil).runID
        var metrics: [MLflowMetric] = []
        for step in 0..<3 {
            for (i, tensor) in ["l0.weight", "l1.weight"].enumerated() {
                metrics.append(MLflowMetric(key: "grad/\(tensor)/l2", value: Double(i + 1) * 1e-3 * Double(step + 1), timestamp: 1, step: Int64(step)))
                metrics.append(MLflowMetric(key: "grad/\(tensor)/zero_frac", value: 0.25, timestamp: 1, step: Int64(step)))
            }
        }
        try s.mlflowLogBatch(id, metrics: metrics + [MLflowMetric(key: "loss", value: 1, timestamp: 1, step: 0)], params: [], tags: [])
        let report = try s.gradientReport(run: String(id.prefix(8)))
        #expect(report.tensors == ["l0.weight", "l1.weight"])
        #expect(report.norms[1] == [2e-3, 4e-3, 6e-3])
        // Besides the client's own series, the first/last ratio a tracker run records (l0 over l1: 0.5).
        #expect(try s.mlflowRun(id).metrics.map(\.key).sorted() == ["grad_ratio_first_last", "loss"])
        #expect(try s.mlflowMetricHistory(id, key: "grad_ratio_first_last", limit: 10, offset: 0).points.map(\.value) == [0.5, 0.5, 0.5])
        // Generated `layer/…` keys: split back exactly, or not a layer statistic at all.
        let layerPieces = ["layer", "/", "dead_fraction", "x", "0", "Á", "", "-"]
        for _ in 0..<500 {
            let key = (0..<Int(g.next() % 8)).map { _ in layerPieces[Int(g.next() % UInt64(layerPieces.count))] }.joined()
            if let k = Store.layerStatKey(key) { #expect(!k.layer.isEmpty && key == "layer/\(k.layer)/\(k.stat)") }
        }
        #expect(throws: MLflowError.self) {
            try s.mlflowLogBatch(id, metrics: [MLflowMetric(key: "grad/l0.weight/l2", value: 1, timestamp: 1, step: -1)], params: [], tags: [])
        }
    }

    @Test("generated batches of gradient, layer and loss points: a clear error or stored, each alert at most once per run (dead ReLUs once per layer)", arguments: TestBackend.all)
    func generatedAlertBatches(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let s = try Store(path: tmp.store("a.db"), access: .record)
        let id = try s.mlflowCreateRun(experimentID: "0", name: nil, startTime: nil, tags: [], userID: nil).runID
        var g = SplitMix64(state: 41)
        let keys = ["grad/0.weight/l2", "grad/2.weight/l2", "grad/4.weight/l2", "grad/0.bias/l2", "layer/1/dead_fraction", "layer/3/dead_fraction",
                    "train_loss", "val_loss", "loss", "layer/x/", "grad//l2", "layer//dead_fraction"]
        let values = [0.0, 1e-9, 0.7, 1.0, 2.5e3, -1.0, .nan, .infinity, -.infinity, .greatestFiniteMagnitude]
        let steps: [Int64] = [0, 1, 2, 5, 40, -1, Int64(Int32.max), Int64(Int32.max) + 1]
        for _ in 0..<200 {
            let metrics = (0..<Int(g.next() % 40)).map { _ in
                MLflowMetric(key: keys[Int(g.next() % UInt64(keys.count))], value: values[Int(g.next() % UInt64(values.count))],
                             timestamp: 1, step: steps[Int(g.next() % UInt64(steps.count))])
            }
            do { try s.mlflowLogBatch(id, metrics: metrics, params: [], tags: []) } catch is MLflowError {}
        }
        let events = try s.events(run: String(id.prefix(8)))
        var seen = Set<String>()
        for e in events {
            let key = e.kind == "dead_relu" ? e.message.components(separatedBy: ":").first ?? "" : e.kind
            #expect(seen.insert(key).inserted, "\(e.kind) raised twice: \(e.message)")
        }
        #expect(events.allSatisfy { ["vanishing_gradients", "exploding_gradients", "dead_relu", "non_finite_loss", "overfitting"].contains($0.kind) })
        #expect(events.contains { $0.kind == "exploding_gradients" } && events.contains { $0.kind == "non_finite_loss" })
    }
}
