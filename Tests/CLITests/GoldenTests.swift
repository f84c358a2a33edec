import Foundation
import Testing
import Tracker

/// Golden JSON outputs of the reading commands on the fixture study. Ids, uuids and times
/// are replaced by placeholders first. To accept new outputs after a deliberate change:
/// `UPDATE_GOLDEN=1 swift test --filter GoldenTests`, review the diff of Golden/*.json.
@Suite("Golden JSON outputs", .serialized)
struct GoldenTests {
    /// One study for the whole suite (a file in the temp folder, left for inspection).
    static let shared: Result<(String, Fixture.Runs), any Error> = Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-golden-\(ProcessInfo.processInfo.processIdentifier).db").path
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        return (path, try Fixture.build(at: path))
    }

    func check(_ name: String, _ args: (Fixture.Runs) -> [String]) throws {
        let (db, runs) = try Self.shared.get()
        let r = try CLI.run(args(runs) + ["--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        let actual = Golden.normalise(try JSONValue.parse(r.stdout), ids: runs.placeholders).pretty
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try Golden.update(name, actual)
            return
        }
        let expected = try #require(Golden.expected(name), "no golden output Golden/\(name).json; run with UPDATE_GOLDEN=1")
        #expect(actual == expected, "output of \(name) changed:\n\(actual)")
    }

    @Test("tracker runs --format json") func runs() throws {
        try check("runs", { _ in ["runs", "--format", "json", "--sort", "name"] })
    }

    @Test("tracker runs --where selects the dropout runs") func runsWhere() throws {
        try check("runsWhere", { _ in ["runs", "--format", "json", "--where", "params.model.dropout = 0.5 and metrics.val_acc > 0.85", "--sort", "name:desc"] })
    }

    @Test("tracker show --format json") func show() throws {
        try check("show", { ["show", $0.dropout, "--format", "json"] })
    }

    @Test("tracker diff --format json: params, architecture, environment, metrics, divergence") func diff() throws {
        try check("diff", { ["diff", $0.noDropout, $0.dropout, "--format", "json"] })
    }

    @Test("tracker diff of different architectures") func diffArchitecture() throws {
        try check("diffArchitecture", { ["diff", $0.noDropout, $0.sigmoid, "--format", "json"] })
    }

    @Test("tracker compare --format json: gap and best epoch") func compare() throws {
        try check("compare", { _ in ["compare", "--where", "experiment = 'overfitting'", "--sort", "name", "--format", "json"] })
    }

    @Test("tracker grads --format json: the vanishing verdict") func grads() throws {
        try check("grads", { ["grads", $0.sigmoid, "--format", "json"] })
    }
}

/// Normalisation and storage of golden outputs.
enum Golden {
    static let volatileKeys: Set<String> = ["start", "end", "time", "duration_s", "last_run", "uuid"]

    /// Replaces run ids by placeholders and times by `<time>`.
    static func normalise(_ v: JSONValue, ids: [String: String]) -> JSONValue {
        switch v {
        case .object(let o):
            return .object(Dictionary(uniqueKeysWithValues: o.map { k, x in
                (k, volatileKeys.contains(k) && x != .null ? .string("<\(k)>") : normalise(x, ids: ids))
            }))
        case .array(let a): return .array(a.map { normalise($0, ids: ids) })
        case .string(let s): return .string(ids[s] ?? s)
        default: return v
        }
    }

    /// The folder of golden files: one `NAME.json` an output, next to this file.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The golden output called `name` (the file's text without its final newline), if any.
    static func expected(_ name: String) -> String? {
        (try? String(contentsOf: folder.appendingPathComponent("\(name).json"), encoding: .utf8))
            .map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 }
    }

    /// Writes Golden/NAME.json with `text`.
    static func update(_ name: String, _ text: String) throws {
        try Data((text + "\n").utf8).write(to: folder.appendingPathComponent("\(name).json"))
    }
}
