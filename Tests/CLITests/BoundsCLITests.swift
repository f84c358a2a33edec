import Foundation
import Testing
import Tracker

/// Hostile options and configs through the real binary: usage errors, no traps, no runs recorded.
@Suite("CLI: bounds on options and configs")
struct BoundsCLITests {
    static func fixture() throws -> (TempDir, String, String) {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let runs = try Fixture.build(at: db)
        return (tmp, db, runs.dropout)
    }

    @Test("integer options outside their range are usage errors naming the option (exit 2), never a trap")
    func integerOptions() throws {
        let (tmp, db, run) = try Self.fixture()
        let svg = tmp.path("c.svg")
        let cases: [([String], String)] = [
            (["plot", run, "--metric", "val_acc", "-o", svg, "--width", "9223372036854775807"], "--width"),
            (["plot", run, "--metric", "val_acc", "-o", svg, "--width", "9223372036854775806"], "--width"),
            (["plot", run, "--metric", "val_acc", "-o", svg, "--height", "-5"], "--height"),
            (["plot", run, "--metric", "val_acc", "-o", svg, "--width", "99999999999999999999"], "--width"),
            (["runs", "--limit", "9223372036854775807"], "--limit"),
            (["runs", "--limit", "-1"], "--limit"),
            (["compare", "--where", "status = 'finished'", "--limit", "-9223372036854775808"], "--limit"),
            (["grads", run, "--width", "9223372036854775807"], "--width"),
            (["hist", run, "--epoch", "-9223372036854775808"], "--epoch"),
            (["debug-write", "--points", "9223372036854775807"], "--points"),
        ]
        for (args, option) in cases {
            let r = try CLI.run(args + ["--db", db], environment: ["COLUMNS": "9223372036854775807"])
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(option), "\(args): \(r.stderr)")
        }
        // In range still works, and a huge $COLUMNS is clamped, not trusted.
        #expect(try CLI.run(["plot", run, "--metric", "val_acc", "-o", svg, "--width", "10000", "--db", db]).status == 0)
        #expect(try CLI.run(["plot", run, "--metric", "val_acc", "--db", db], environment: ["COLUMNS": "9223372036854775807"]).status == 0)
    }

    @Test("a 30,000-deep filter is a clear error from runs and compare, no crash")
    func deepFilter() throws {
        let (tmp, db, _) = try Self.fixture()
        defer { withExtendedLifetime(tmp) {} }
        let filter = String(repeating: "(", count: 30_000) + "params.model.dropout = 0.5" + String(repeating: ")", count: 30_000)
        for verb in ["runs", "compare"] {
            let r = try CLI.run([verb, "--where", filter, "--db", db])
            #expect(r.status == 1, "\(verb): \(r.status)")
            #expect(r.stderr.contains("nested deeper than 256 levels"), "\(r.stderr.prefix(300))")
            #expect(r.stderr.utf8.count < 1_000)
        }
        let long = Array(repeating: "params.model.dropout = 0.5", count: 1_000).joined(separator: " and ")
        let r = try CLI.run(["runs", "--where", long, "--db", db, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr.prefix(300))")
    }

    @Test("SQLite's words only with --verbose: a damaged database says what to do; --verbose adds the detail")
    func verbose() throws {
        let tmp = TempDir()
        let db = tmp.path("bad.db")
        try Data(("SQLite format 3\u{0}" + String(repeating: "\u{1}", count: 200)).utf8).write(to: URL(fileURLWithPath: db))
        let plain = try CLI.run(["runs", "--db", db])
        #expect(plain.status == 1)
        #expect(!plain.stderr.contains("SQLite error") && !plain.stderr.contains("detail:"), "\(plain.stderr)")
        let verbose = try CLI.run(["--verbose", "runs", "--db", db])
        #expect(verbose.status == 1)
        #expect(verbose.stderr.hasPrefix("error: "), "\(verbose.stderr)")
        let missing = try CLI.run(["train", tmp.path("nope.yaml"), "--db", tmp.path("x.db")])
        #expect(missing.status == 1 && missing.stderr.contains("nope.yaml") && !missing.stderr.contains("NSCocoaErrorDomain"), "\(missing.stderr)")
        #expect(try CLI.run(["runs", "--verbose", "--db", tmp.path("none.db")]).status == 1)
    }

    @Test("a 10^12-run grid is refused with --dry-run too, at once, and writes nothing")
    func hugeGridDryRun() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let grid = (0..<12).map { "    model.k\($0): [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" }.joined(separator: "\n")
        let config = try Configs.write(Configs.small + "\nsweep:\n  grid:\n" + grid + "\n", to: tmp)
        let start = Date()
        let r = try CLI.run(["train", config, "--db", db, "--dry-run"])
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(r.status == 1 && r.stderr.contains("1000000000000 runs") && r.stderr.contains("at most 10000"), "\(r.stderr)")
        if FileManager.default.fileExists(atPath: db) { #expect(try Store(path: db).runs().isEmpty) }
    }

    @Test("config budgets through the binary: no run is recorded", arguments: [
        ("model: {depth: 2, width: 2000000000}", "model.width"),
        ("model: {depth: 2, width: 32}\nepochs: 1000000000000", "epochs"),
        ("model: {depth: 2, width: 32}\nepochs: 2.5", "epochs"),
        ("model: {depth: 2, width: 32}\ndata: {source: xor, size: 100, validation: 1.0}", "data.validation"),
    ])
    func configBudgets(snippet: String, key: String) throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        var lines = ["experiment: bad", "epochs: 1", "data: {source: xor, size: 100}"]
        for line in snippet.split(separator: "\n") {
            let k = line.split(separator: ":")[0]
            lines.removeAll { $0.hasPrefix(k + ":") }
            lines.append(String(line))
        }
        let config = try Configs.write(lines.joined(separator: "\n") + "\n", to: tmp)
        let r = try CLI.run(["train", config, "--db", db])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("'\(key)'") && r.stderr.contains("config.yaml:"), "\(r.stderr)")
        #expect(!r.stderr.contains("not valid JSON"))
        if FileManager.default.fileExists(atPath: db) { #expect(try Store(path: db).runs().isEmpty) }
    }
}
