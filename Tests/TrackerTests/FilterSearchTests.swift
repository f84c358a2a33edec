import Foundation
import Testing
@testable import Tracker

@Suite("Filtering and sorting runs in SQL")
struct FilterSearchTests {
    /// Six runs: dropout × activation, with final val_acc, a tag and one failed run.
    static func makeStore(_ tmp: TempDir) throws -> Store {
        let store = try Store(path: tmp.path("search.db"))
        let grid: [(String, Double, String, Double)] = [
            ("relu-0", 0.0, "relu", 0.80), ("relu-5", 0.5, "relu", 0.88), ("prelu-5", 0.5, "prelu", 0.90),
            ("sigmoid-0", 0.0, "sigmoid", 0.10), ("Sigmoid-5", 0.5, "sigmoid", 0.12), ("tanh-2", 0.2, "tanh", 0.86),
        ]
        for (name, dropout, act, acc) in grid {
            let rec = try store.startRun(RunStart(experiment: name.hasPrefix("tanh") ? "other" : "grid", name: name,
                config: .object(["dropout": .double(dropout), "act": .string(act), "optimizer": .object(["lr": .double(dropout == 0 ? 0.01 : 0.001)])]), seed: 1))
            rec.log("val_acc", acc / 2, step: 0)
            rec.log("val_acc", acc, step: 1)
            rec.log("val_loss", 1 - acc, step: 1)
            try rec.finish(name == "tanh-2" ? .failed : .finished)
            if act == "prelu" { try store.setTag(run: rec.runID, key: "note", value: "best so far") }
        }
        return store
    }

    func names(_ store: Store, _ filter: String?, sort: String? = "name") throws -> [String] {
        try store.runs(where: filter, sort: sort).map(\.run.name)
    }

    @Test("each kind of comparison selects the right runs", arguments: [
        ("params.dropout = 0.5 and metrics.val_acc > 0.85", ["prelu-5", "relu-5"]),
        ("params.dropout = '0.5'", ["Sigmoid-5", "prelu-5", "relu-5"]),
        ("params.dropout > 0.1", ["Sigmoid-5", "prelu-5", "relu-5", "tanh-2"]),
        ("params.dropout != 0.5", ["relu-0", "sigmoid-0", "tanh-2"]),
        ("params.act IN ('relu', 'prelu')", ["prelu-5", "relu-0", "relu-5"]),
        ("params.act NOT IN ('relu', 'prelu')", ["Sigmoid-5", "sigmoid-0", "tanh-2"]),
        ("params.`optimizer.lr` < 0.005", ["Sigmoid-5", "prelu-5", "relu-5", "tanh-2"]),
        ("params.optimizer.lr = 0.01", ["relu-0", "sigmoid-0"]),
        ("tags.note = 'best so far'", ["prelu-5"]),
        ("tags.note IS NULL and params.dropout = 0.5", ["Sigmoid-5", "relu-5"]),
        ("status = 'failed'", ["tanh-2"]),
        ("name LIKE 'sig%'", ["sigmoid-0"]),
        ("name ILIKE 'sig%'", ["Sigmoid-5", "sigmoid-0"]),
        ("name NOT LIKE '%-5'", ["relu-0", "sigmoid-0", "tanh-2"]),
        ("experiment = 'other'", ["tanh-2"]),
        ("metrics.val_acc.min < 0.1", ["Sigmoid-5", "sigmoid-0"]),
        ("metrics.val_acc.max >= 0.9 or metrics.val_loss.min > 0.85", ["Sigmoid-5", "prelu-5", "sigmoid-0"]),
        ("not (params.act = 'sigmoid' or status = 'failed')", ["prelu-5", "relu-0", "relu-5"]),
        ("params.act != 0.5", ["Sigmoid-5", "prelu-5", "relu-0", "relu-5", "sigmoid-0", "tanh-2"]),
        ("params.act != '0.5' and params.act NOT IN ('relu', 1)", ["Sigmoid-5", "prelu-5", "sigmoid-0", "tanh-2"]),
        ("params.dropout NOT IN (0, '0.2')", ["Sigmoid-5", "prelu-5", "relu-5"]),
        ("metrics.missing > 0", []),
        ("params.missing = 1", []),
    ])
    func selects(_ filter: String, _ expected: [String]) throws {
        let tmp = TempDir()
        let store = try Self.makeStore(tmp)
        #expect(try names(store, filter) == expected)
    }

    @Test("sorting by metric, param and attribute; limit; experiment", arguments: TestBackend.all)
    func sorting(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Self.makeStore(tmp)
        #expect(try names(store, nil, sort: "metrics.val_acc:desc").prefix(3) == ["prelu-5", "relu-5", "tanh-2"])
        #expect(try store.runs(where: nil, sort: "params.dropout", limit: 2).map { $0.params["dropout"] } == [.real(0), .real(0)])
        #expect(try store.runs(where: "params.dropout > 0", experiment: "grid", sort: "name:desc").map(\.run.name) == ["relu-5", "prelu-5", "Sigmoid-5"])
        #expect(throws: TrackerError.experimentNotFound("nope")) { try store.runs(where: nil, experiment: "nope") }
        let all = try store.runs(where: nil)
        #expect(all.count == 6)
        #expect(all.allSatisfy { $0.metrics["val_acc"]?.count == 2 && $0.params["act"] != nil })
    }

    @Test("hostile filters are errors and leave the database unchanged", arguments: [
        "'; DROP TABLE runs; --",
        "name = 'x'; DROP TABLE runs; --",
        "name = 'x' ; DELETE FROM runs",
        "params.\"x\" = 1); DROP TABLE runs; --",
        "status = 'finished' UNION SELECT * FROM runs",
        "name = \"unbalanced",
        "params.lr = 1 /* comment */",
        "runs.id = 1",
    ])
    func hostile(_ filter: String) throws {
        let tmp = TempDir()
        let store = try Self.makeStore(tmp)
        let before = try store.runs(where: nil).map(\.run.id)
        #expect(throws: FilterError.self) { try store.runs(where: filter) }
        #expect(try store.runs(where: nil).map(\.run.id) == before)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("hostile values inside well-formed filters are bound as data", arguments: TestBackend.all)
    func boundValues(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Self.makeStore(tmp)
        #expect(try store.runs(where: "name = 'x''; DROP TABLE runs; --' or params.`a; DROP TABLE runs` = 1").isEmpty)
        #expect(try store.runs(where: nil).count == 6)
    }
}
