import Foundation
import Testing
import Tracker
@testable import TrackerUI

/// `/api/series`, the endpoint the interactive charts draw from: full and zoomed ranges,
/// cursors over a live run, limits and bad input.
@Suite("Series API")
struct SeriesRouteTests {
    /// The stored value of the fixture's long run at `step`.
    static func spiky(_ step: Int) -> Double { step == 77_777 ? 1000 : 1 + Double(step % 7) * 0.01 }

    func get(_ f: UIFixture.Ready, _ target: String) throws -> (status: Int, json: [String: Any], text: String) {
        let r = UIApp(databasePath: f.dbPath).respond(UIRequest(target: target))
        let json = (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
        return (r.status, json, r.bodyText)
    }

    static func series(_ json: [String: Any]) -> [[String: Any]] { json["series"] as? [[String: Any]] ?? [] }
    static func points(_ s: [String: Any]) -> [(Int, Double)] {
        (s["points"] as? [[Any]] ?? []).map { p in
            ((p[0] as? NSNumber)?.intValue ?? -1, (p[1] as? NSNumber)?.doubleValue ?? .nan)
        }
    }

    @Test("the whole series comes back min/max-downsampled: at most N points, all stored, the spike kept")
    func fullRange() async throws {
        let f = try await UIFixture.shared.get()
        let r = try get(f, "/api/series?run=\(f.longRun)&key=spiky&points=1000")
        #expect(r.status == 200)
        let s = try #require(Self.series(r.json).first)
        #expect(s["total"] as? Int == 100_000)
        let pts = Self.points(s)
        #expect(pts.count <= 1000 && pts.count >= 500)
        #expect(pts.contains { $0.0 == 77_777 && $0.1 == 1000 }, "the spike survives downsampling")
        for (x, y) in pts { #expect(y == Self.spiky(x), "step \(x) is a stored point") }
        #expect(zip(pts, pts.dropFirst()).allSatisfy { $0.0 < $1.0 }, "in step order")
    }

    @Test("a zoomed range is read afresh: every point inside it, more detail than the full view had there")
    func zoomedRange() async throws {
        let f = try await UIFixture.shared.get()
        let full = Self.points(try #require(Self.series(try get(f, "/api/series?run=\(f.longRun)&key=spiky&points=1000").json).first))
        let r = try get(f, "/api/series?run=\(f.longRun)&key=spiky&points=2000&from=77000&to=78000")
        let s = try #require(Self.series(r.json).first)
        let pts = Self.points(s)
        #expect(s["in_range"] as? Int == 1001)
        #expect(pts.count == 1001, "1001 points fit in 2000: all of them")
        #expect(pts.allSatisfy { (77_000...78_000).contains($0.0) })
        #expect(pts.contains { $0.0 == 77_777 && $0.1 == 1000 })
        #expect(pts.count > full.filter { (77_000...78_000).contains($0.0) }.count * 10)
        // Open-ended ranges.
        let tail = Self.points(try #require(Self.series(try get(f, "/api/series?run=\(f.longRun)&key=spiky&from=99990").json).first))
        #expect(tail.map(\.0) == Array(99_990...99_999))
        let head = Self.points(try #require(Self.series(try get(f, "/api/series?run=\(f.longRun)&key=spiky&to=9").json).first))
        #expect(head.map(\.0) == Array(0...9))
    }

    @Test("a cursor pages through the points after it, each page at most N, without gaps or repeats")
    func cursorPaging() async throws {
        let f = try await UIFixture.shared.get()
        var after = 50_000, seen: [Int] = [], pages = 0
        while pages < 20 {
            let s = try #require(Self.series(try get(f, "/api/series?run=\(f.longRun)&key=spiky&points=10000&after=\(after)").json).first)
            let pts = Self.points(s)
            #expect(pts.count <= 10_000)
            for (x, y) in pts { #expect(y == Self.spiky(x)) }
            seen += pts.map(\.0)
            after = try #require(s["cursor"] as? Int)
            pages += 1
            if s["more"] as? Bool != true { break }
        }
        #expect(seen == Array(50_001...99_999))
        #expect(pages == 5)
        let end = try #require(Self.series(try get(f, "/api/series?run=\(f.longRun)&key=spiky&after=99999").json).first)
        #expect(Self.points(end).isEmpty && end["more"] as? Bool == false && end["cursor"] as? Int == 99_999)
    }

    @Test("a running run gains points: the cursor of one answer fetches exactly the new ones")
    func liveCursor() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-series-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("t.db").path
        let store = try Store(path: db)
        let run = try store.startRun(RunStart(experiment: "live", name: "growing", config: .object([:]), seed: 1))
        for step in 0..<10 { run.log("loss", 1 / Double(step + 1), step: step, wallTime: Double(step)) }
        try run.flush()
        let app = UIApp(databasePath: db)
        func ask(_ q: String) throws -> [String: Any] {
            let body = app.respond(UIRequest(target: "/api/series?run=\(run.runID)&key=loss&" + q)).body
            return try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        }
        let first = try ask("from=0")
        #expect((first["runs"] as? [String: [String: Any]])?[run.runID]?["status"] as? String == "running")
        let s0 = try #require(Self.series(first).first)
        #expect(Self.points(s0).map(\.0) == Array(0..<10))
        for step in 10..<25 { run.log("loss", 1 / Double(step + 1), step: step, wallTime: Double(step)) }
        try run.flush()
        let next = try #require(Self.series(try ask("after=9")).first)
        #expect(Self.points(next).map(\.0) == Array(10..<25))
        // Foundation's JSON parser on Linux can be a few ulps off (0.07692307692307693 reads as …694);
        // the text is exact (the browser test compares exactly, with Python's parser).
        for p in Self.points(next) { #expect(abs(p.1 - 1 / Double(p.0 + 1)) <= 1e-15 / Double(p.0 + 1), "step \(p.0): \(p.1)") }
        #expect(next["cursor"] as? Int == 24 && next["total"] as? Int == 25)
        try run.finish(.finished)
        let done = try ask("after=24")
        #expect((done["runs"] as? [String: [String: Any]])?[run.runID]?["status"] as? String == "finished")
        #expect(Self.points(try #require(Self.series(done).first)).isEmpty)
    }

    @Test("several runs and keys at once; a key a run lacks comes back empty; clock maps steps to epochs")
    func manyAndClock() async throws {
        let f = try await UIFixture.shared.get()
        let r = try get(f, "/api/series?run=\(f.batchNormRun)&run=\(f.longRun)&key=val_loss&key=spiky&clock=1")
        #expect(r.status == 200)
        let all = Self.series(r.json)
        #expect(all.count == 4)
        let lacking = try #require(all.first { $0["run"] as? String == f.batchNormRun && $0["key"] as? String == "spiky" })
        #expect(lacking["total"] as? Int == 0 && Self.points(lacking).isEmpty)
        let val = try #require(all.first { $0["run"] as? String == f.batchNormRun && $0["key"] as? String == "val_loss" })
        #expect(Self.points(val).count == 3, "3 epochs, one val_loss each")
        let runs = try #require(r.json["runs"] as? [String: [String: Any]])
        let clock = try #require(runs[f.batchNormRun]?["clock"] as? [[Any]])
        #expect(clock.count >= 2)
        let epochs = clock.compactMap { ($0[1] as? NSNumber)?.intValue }, times = clock.compactMap { ($0[2] as? NSNumber)?.doubleValue }
        #expect(epochs == epochs.sorted() && epochs.count == clock.count)
        #expect(times == times.sorted() && times.first == 0)
        // A 100,000-point clock is at most 400 points, evenly spaced, first to last step.
        let long = try #require(runs[f.longRun]?["clock"] as? [[Any]])
        let steps = long.compactMap { ($0[0] as? NSNumber)?.intValue }
        #expect(steps.count <= SeriesRoute.clockPoints && steps.count >= SeriesRoute.clockPoints - 1)
        #expect(steps.first == 0 && steps.last == 99_999 && zip(steps, steps.dropFirst()).allSatisfy { $1 - $0 <= 252 && $1 > $0 })
        #expect(long.allSatisfy { ($0[2] as? NSNumber)?.doubleValue == ($0[0] as? NSNumber)?.doubleValue }, "its wall time is its step")
    }

    @Test("bad input is a 400 that names the parameter; unknown runs a 404")
    func badInput() async throws {
        let f = try await UIFixture.shared.get()
        let id = f.longRun
        let cases: [(String, String)] = [
            ("/api/series?key=spiky", "run="), ("/api/series?run=\(id)", "key="),
            ("/api/series?run=\(id)&key=spiky&points=5", "points"), ("/api/series?run=\(id)&key=spiky&points=10001", "points"),
            ("/api/series?run=\(id)&key=spiky&points=1e3", "points"), ("/api/series?run=\(id)&key=spiky&from=-1", "from"),
            ("/api/series?run=\(id)&key=spiky&from=10&to=5", "must not be after"), ("/api/series?run=\(id)&key=spiky&to=1.5", "to"),
            ("/api/series?run=\(id)&key=spiky&after=3&from=1", "cannot be combined"), ("/api/series?run=\(id)&key=spiky&after=x", "after"),
            ("/api/series?run=\(id)&key=spiky&from=99999999999999999999999", "from"), ("/api/series?run=\(id)&key=spiky&clock=yes", "clock"),
            ("/api/series?" + (0...50).map { "run=r\($0)" }.joined(separator: "&") + "&key=a", "at most 50"),
            ("/api/series?" + (0..<20).map { "run=r\($0)" }.joined(separator: "&") + "&" + (0..<31).map { "key=k\($0)" }.joined(separator: "&"), "at most 600"),
        ]
        for (target, needle) in cases {
            let r = try get(f, target)
            #expect(r.status == 400, "\(target.prefix(80)) → \(r.status)")
            #expect(r.text.contains(needle), "\(target.prefix(80)): '\(r.text)' lacks '\(needle)'")
        }
        #expect(try get(f, "/api/series?run=nosuchrun&key=spiky").status == 404)
    }

    @Test("seeded random ranges and point budgets: every answer inside its range, within budget, of stored points")
    func seededRanges() async throws {
        let f = try await UIFixture.shared.get()
        var rng = SplitMix64(state: 0x5E_21E5)
        for _ in 0..<40 {
            let a = rng.below(120_000), b = rng.below(120_000), lo = min(a, b), hi = max(a, b), n = 16 + rng.below(3000)
            let r = try get(f, "/api/series?run=\(f.longRun)&key=spiky&from=\(lo)&to=\(hi)&points=\(n)")
            #expect(r.status == 200)
            let s = try #require(Self.series(r.json).first)
            let pts = Self.points(s), inRange = max(0, min(hi, 99_999) - lo + 1)
            #expect(s["in_range"] as? Int == inRange)
            #expect(pts.count <= n, "\(pts.count) points for a budget of \(n)")
            if inRange <= n { #expect(pts.count == inRange) } else { #expect(pts.count >= min(inRange, n / 2)) }
            #expect(pts.allSatisfy { (lo...hi).contains($0.0) && $0.1 == Self.spiky($0.0) })
            if (lo...hi).contains(77_777) { #expect(pts.contains { $0.0 == 77_777 }, "the spike in \(lo)…\(hi)") }
        }
        // Random junk in the numeric parameters is always a 400 naming the parameter.
        let junk = ["-", "+1", "0x10", "1 2", "٣", "1e9", "NaN", "9223372036854775808", "%00"]
        for _ in 0..<30 {
            let name = ["points", "from", "to", "after"][rng.below(4)], value = junk[rng.below(junk.count)] + String(rng.below(10))
            let r = try get(f, "/api/series?run=\(f.longRun)&key=spiky&\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            #expect(r.status == 400 && r.text.contains(name), "\(name)=\(value) → \(r.status) \(r.text)")
        }
    }
}
