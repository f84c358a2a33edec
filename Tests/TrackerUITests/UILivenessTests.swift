import Foundation
import Testing
@testable import Tracker
import TrackerUI

/// The UI derives liveness like every reader: a `running` run whose process is gone is served
/// as crashed, in pages and JSON, and serving writes nothing.
@Suite("Web UI liveness")
struct UILivenessTests {
    @Test("a dead running run is crashed in /api/runs, /api/runs/ID and the runs page; the file is unchanged")
    func deadRunServedCrashed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ui-liveness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.db").path
        let id: String
        do {
            let store = try Store(path: path)
            let rec = try store.startRun(RunStart(experiment: "ui", name: "gone", config: .object(["x": .int(1)]), seed: 1))
            rec.log("loss", 1, step: 0)
            try rec.flush()
            id = rec.runID
            try store.db.run("UPDATE runs SET pid = 2147483647 WHERE id = ?", [.text(id)])  // no such process
        }
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let app = UIApp(databasePath: path)
        let list = app.respond(UIRequest(target: "/api/runs"))
        #expect(list.status == 200)
        #expect(String(decoding: list.body, as: UTF8.self).contains("\"status\":\"crashed\""))
        let one = app.respond(UIRequest(target: "/api/runs/\(id)"))
        #expect(String(decoding: one.body, as: UTF8.self).contains("\"status\":\"crashed\""))
        let filtered = app.respond(UIRequest(target: "/api/runs?where=status%20%3D%20'running'"))
        #expect(!String(decoding: filtered.body, as: UTF8.self).contains(id))
        let page = app.respond(UIRequest(target: "/"))
        #expect(String(decoding: page.body, as: UTF8.self).contains("class=\"status crashed\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }
}
