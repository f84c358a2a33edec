import Foundation
import Testing
import Tracker

/// `tracker landscape` through the real binary: the plane and the line are recorded, drawn and
/// shown; hostile options are usage errors naming the option, before any work.
@Suite("CLI: tracker landscape")
struct LandscapeCLITests {
    static let config = """
        experiment: landscape
        seed: 6
        data: {source: moons, size: 300, noise: 0.2, validation: 0.2}
        model: {depth: 2, width: 12, activation: relu, normalization: batch}
        optimizer: {type: adam, lr: 0.01}
        epochs: 2
        batch_size: 32
        logging: {layer_stats_every: 0, checkpoint_every: 1}
        landscape: {grid: 5, span: 0.5, samples: 60}
        """

    @Test("train with a landscape block, add a plane and a line, draw them, show them; the same command gives the same grid")
    func endToEnd() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let trained = try CLI.run(["train", try Configs.write(Self.config, to: tmp), "--db", db])
        #expect(trained.status == 0, "\(trained.stderr)")
        let run = try #require(try Store(path: db, access: .read).runs().first).id
        let svg = tmp.path("plane.svg")
        let args = ["landscape", run, "--grid", "7", "--span", "0.8", "--samples", "50", "--seed", "3", "-o", svg, "--db", db]
        let first = try CLI.run(args + ["--format", "json"])
        #expect(first.status == 0, "\(first.stderr)")
        let again = try CLI.run(args + ["--format", "json", "--workers", "1"])
        let a = try JSONValue.parse(first.stdout), b = try JSONValue.parse(again.stdout)
        #expect(a[path: "loss"] == b[path: "loss"] && a[path: "loss"] != nil)
        #expect(a[path: "subset.fingerprint"] == b[path: "subset.fingerprint"])
        #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
        let text = try CLI.run(["landscape", run, "--grid", "3", "--samples", "40", "--db", db])
        #expect(text.stdout.contains("non-convex") && text.stdout.contains("points/s"), "\(text.stdout)")
        let line = try CLI.run(["landscape", "--between", "\(run):best", run, "--grid", "4", "--samples", "40", "-o", tmp.path("line.svg"), "--db", db])
        #expect(line.status == 0, "\(line.stderr)")
        let show = try CLI.run(["show", run, "--db", db])
        #expect(show.stdout.contains("landscapes") && show.stdout.contains("5×5") && show.stdout.contains("7×7"), "\(show.stdout)")
        #expect(try Store(path: db, access: .read).landscapes(run: run).map(\.kind.rawValue) == ["plane", "plane", "plane", "plane", "line"])
    }

    @Test("hostile --grid, --span, --samples, --checkpoint and --between are usage errors naming the option (exit 2)")
    func hostileOptions() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let cases: [([String], String)] = [
            (["landscape", "r", "--grid", "4"], "--grid"),
            (["landscape", "r", "--grid", "0"], "--grid"),
            (["landscape", "r", "--grid", "9223372036854775807"], "--grid"),
            (["landscape", "r", "--grid", "99999999999999999999"], "--grid"),
            (["landscape", "r", "--span", "nan"], "--span"),
            (["landscape", "r", "--span", "1e308"], "--span"),
            (["landscape", "r", "--span", "-1"], "--span"),
            (["landscape", "r", "--samples", "0"], "--samples"),
            (["landscape", "r", "--samples", "-9223372036854775808"], "--samples"),
            (["landscape", "r", "--grid", "101", "--samples", "50000"], "--samples"),
            (["landscape", "r", "--checkpoint", "middle"], "--checkpoint"),
            (["landscape", "r", "--workers", "0"], "--workers"),
            (["landscape", "r", "--workers", "9223372036854775807"], "--workers"),
            (["landscape", "--between", "a"], "--between"),
            (["landscape", "r", "--between", "a", "b"], "--between"),
            (["landscape"], "--between"),
        ]
        for (args, option) in cases {
            let r = try CLI.run(args + ["--db", db])
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(option), "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: db), "a usage error touched the store")
    }
}
