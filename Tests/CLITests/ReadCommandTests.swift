import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Tracker

@Suite("Reading commands end to end", .serialized)
struct ReadCommandTests {
    func study() throws -> (TempDir, String, Fixture.Runs) {
        let tmp = TempDir()
        let db = tmp.path("study.db")
        return (tmp, db, try Fixture.build(at: db))
    }

    @Test("errors: bad filter is exit 1 with the column and a caret; usage is exit 2; unknown ids suggest; ambiguous prefixes list")
    func errors() throws {
        let (_tmp, db, runs) = try study()
        _ = _tmp
        let bad = try CLI.run(["runs", "--db", db, "--where", "params.model.dropout = 0.5 and metrics.val_acc >"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("column 49"))
        #expect(bad.stderr.contains("^"))
        #expect(try CLI.run(["runs", "--db", db, "--format", "xml"]).status == 2)
        #expect(try CLI.run(["diff", "--db", db, runs.dropout]).status == 2)
        #expect(try CLI.run(["compare", "--db", db]).status == 2)
        let typo = String(runs.dropout.prefix(7)) + (runs.dropout.last == "0" ? "1" : "0")
        let unknown = try CLI.run(["show", "--db", db, typo])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("Did you mean: \(runs.dropout)"), "\(unknown.stderr)")
        #expect(try CLI.run(["show", "--db", db, String(runs.dropout.prefix(4))]).status == 0)
        #expect(try CLI.run(["show", "--db", db, ""]).status == 1)
        let ids = [runs.noDropout, runs.dropout, runs.sigmoid, runs.rerun]
        if let shared = ids.map({ String($0.prefix(1)) }).first(where: { p in ids.filter { $0.hasPrefix(p) }.count > 1 }) {
            let ambiguous = try CLI.run(["show", "--db", db, shared])
            #expect(ambiguous.status == 1)
            #expect(ambiguous.stderr.contains("matches several runs"))
        }
        #expect(try CLI.run(["runs", "--db", tmpMissing()]).stderr.contains("no tracker store"))
    }

    func tmpMissing() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("nope-\(UUID().uuidString).db").path }

    @Test("runs table shows varying params and final metrics; csv has one line a run; no colour off a TTY")
    func runsTable() throws {
        let (_tmp, db, _) = try study()
        _ = _tmp
        let t = try CLI.run(["runs", "--db", db, "--where", "params.model.dropout = 0.5", "--sort", "name"])
        #expect(t.status == 0)
        let lines = t.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("id") && lines[0].contains("val_acc"))
        #expect(!t.stdout.contains("\u{1B}["))
        let csv = try CLI.run(["runs", "--db", db, "--format", "csv"])
        #expect(csv.stdout.split(separator: "\n").count == 5)
        #expect(csv.stdout.hasPrefix("id,experiment,name,status,start,end,duration_s,params.model.activation,params.model.dropout,"))
    }

    @Test("grads shows a heat map and the vanishing verdict; bn shows a table; metrics prints csv")
    func statistics() throws {
        let (_tmp, db, runs) = try study()
        _ = _tmp
        let g = try CLI.run(["grads", "--db", db, runs.sigmoid, "--width", "80"])
        #expect(g.status == 0)
        #expect(g.stdout.contains("verdict: VANISHING"))
        #expect(g.stdout.contains("layers.0.weight │"))
        #expect(g.stdout.split(separator: "\n").allSatisfy { $0.count <= 120 })
        #expect(try CLI.run(["grads", "--db", db, runs.dropout]).stdout.contains("verdict: HEALTHY"))
        let bn = try CLI.run(["bn", "--db", db, runs.dropout])
        #expect(bn.stdout.contains("layers.0.bn"))
        #expect(bn.stdout.split(separator: "\n").count == 1 + Fixture.epochs)
        let m = try CLI.run(["metrics", "--db", db, runs.dropout, "--key", "val_acc", "--format", "csv"])
        #expect(m.stdout.split(separator: "\n").count == 1 + Fixture.epochs)
        #expect(try CLI.run(["metrics", "--db", db, runs.dropout, "--key", "nope"]).status == 1)
    }

    @Test("plot writes a well-formed SVG with a path per run × metric; without -o, sparklines")
    func plot() throws {
        let (tmp, db, runs) = try study()
        let out = tmp.path("chart.svg")
        let r = try CLI.run(["plot", "--db", db, runs.noDropout, runs.dropout, "--metric", "train_acc", "--metric", "val_acc", "-o", out, "--log-y"])
        #expect(r.status == 0, "\(r.stderr)")
        let svg = try String(contentsOfFile: out, encoding: .utf8)
        #expect(svg.components(separatedBy: "<path ").count - 1 == 4)
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        let spark = try CLI.run(["plot", "--db", db, runs.noDropout, "--metric", "train_loss"])
        #expect(spark.stdout.contains("▁") || spark.stdout.contains("█"))
        #expect(try CLI.run(["plot", "--db", db, runs.noDropout, "--metric", "nope", "-o", out]).status == 1)
    }

    @Test("export writes every file and verified checkpoints; tag, delete and gc change the store as they say")
    func exportTagDeleteGC() throws {
        let (tmp, db, runs) = try study()
        let dir = tmp.path("export")
        let e = try CLI.run(["export", "--db", db, runs.dropout, "--out", dir])
        #expect(e.status == 0, "\(e.stderr)")
        for f in ["config.json", "params.json", "metrics.csv", "grad_stats.csv", "layer_stats.csv", "bn_stats.json", "events.json", "checkpoints/59-last.ckpt"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(f)")
        }
        let ckpt = try Data(contentsOf: URL(fileURLWithPath: dir + "/checkpoints/59-last.ckpt"))
        #expect(String(decoding: ckpt, as: UTF8.self) == "checkpoint of dropout-0.5 at the end")
        #expect(try JSONValue.parse(String(contentsOfFile: dir + "/config.json", encoding: .utf8))[path: "model.dropout"] == .double(0.5))

        #expect(try CLI.run(["tag", "--db", db, runs.noDropout, "note=overfits", "owner=me"]).status == 0)
        #expect(try CLI.run(["tag", "--db", db, runs.noDropout, "novalue"]).status == 2)
        let tagged = try CLI.run(["runs", "--db", db, "--where", "tags.note = 'overfits'", "--format", "json"])
        #expect(try JSONValue.parse(tagged.stdout) == .array([try #require(try JSONValue.parse(tagged.stdout).arrayFirst)]))

        #expect(try CLI.run(["delete", "--db", db, runs.noDropout]).status == 0)
        #expect(try Store(path: db).runs(where: nil).count == 3)
        let gc = try CLI.run(["gc", "--db", db])
        #expect(gc.stdout.contains("removed 1 deleted run: \(runs.noDropout)"), "\(gc.stdout)")
        #expect(gc.stdout.contains("removed 1 orphaned blob"))
        #expect(try Store(path: db).integrityCheck() == "ok")
        #expect(try CLI.run(["show", "--db", db, runs.noDropout]).status == 1)
        let ex = try CLI.run(["experiments", "--db", db, "--format", "json"])
        #expect(try JSONValue.parse(ex.stdout) == .array([.object(["name": .string("overfitting"), "runs": .int(3), "finished": .int(3),
                                                                    "running": .int(0), "last_run": try #require(try JSONValue.parse(ex.stdout).arrayFirst?[path: "last_run"])])]))
    }

    @Test("compare table shows the gap and best epoch; show and diff print every section")
    func textViews() throws {
        let (_tmp, db, runs) = try study()
        _ = _tmp
        let c = try CLI.run(["compare", "--db", db, runs.noDropout, runs.dropout])
        #expect(c.stdout.contains("gap") && c.stdout.contains("best epoch"))
        let s = try CLI.run(["show", "--db", db, runs.dropout])
        for section in ["config", "params", "environment", "metrics", "events", "checkpoints", "lineage"] where section != "events" {
            #expect(s.stdout.contains(section), "show lacks \(section)")
        }
        #expect(s.stdout.contains("children \(runs.rerun)"))
        let d = try CLI.run(["diff", "--db", db, runs.dropout, runs.rerun])
        #expect(d.stdout.contains("blas_threads"))
        #expect(d.stdout.contains("identical"))
    }
}

extension JSONValue {
    var arrayFirst: JSONValue? { if case .array(let a) = self { return a.first }; return nil }
}
