import Foundation
import Testing
import Tracker
@testable import TrackerUI

/// `/api/runs/ID/grads/STAT`, the per-layer line view's source: one line per tensor of a
/// gradient statistic, in the heat map's depth order, every point a stored value.
@Suite("Gradient statistic lines API")
struct GradientLinesTests {
    func get(_ f: UIFixture.Ready, _ target: String) -> (status: Int, json: [String: Any], text: String) {
        let r = UIApp(databasePath: f.dbPath).respond(UIRequest(target: target))
        let json = (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
        return (r.status, json, r.bodyText)
    }

    /// The lines of an answer, numbers read by the store's own JSON parser (Foundation's
    /// JSONSerialization on Linux rounds some doubles in their last digit).
    static func lines(_ text: String) throws -> [(name: String, total: Int, points: [(Int, Double)])] {
        guard case .object(let o) = try JSONValue.parse(text), case .array(let tensors)? = o["tensors"] else { return [] }
        return tensors.map { t in
            guard case .object(let line) = t else { return ("", -1, []) }
            var name = "", total = -1
            if case .string(let n)? = line["name"] { name = n }
            if case .int(let n)? = line["total"] { total = Int(n) }
            var points: [(Int, Double)] = []
            if case .array(let ps)? = line["points"] {
                for p in ps {
                    guard case .array(let pair) = p, pair.count == 2, case .int(let step) = pair[0] else { continue }
                    switch pair[1] {
                    case .double(let d): points.append((Int(step), d))
                    case .int(let i): points.append((Int(step), Double(i)))
                    case .string(let s): points.append((Int(step), Double(s) ?? .nan))
                    default: points.append((Int(step), .nan))
                    }
                }
            }
            return (name, total, points)
        }
    }

    static func stored(_ g: GradStat, _ statistic: GradientStatistic) -> Double {
        switch statistic {
        case .l2: g.l2
        case .mean: g.mean
        case .std: g.std
        case .maxAbs: g.maxAbs
        case .zeroFraction: g.zeroFraction
        case .updateRatio: g.updateRatio ?? .nan
        }
    }

    @Test("every statistic, every value: the lines equal the stored statistics, tensors in the heat map's order")
    func everyValue() async throws {
        let f = try await UIFixture.shared.get()
        let store = try Store(path: f.dbPath, readOnly: true)
        let stats = try store.gradStats(run: f.batchNormRun)
        let order = try store.gradientReport(run: f.batchNormRun).tensors
        for statistic in GradientStatistic.allCases {
            let r = get(f, "/api/runs/\(f.batchNormRun)/grads/\(statistic.rawValue)?points=0")
            #expect(r.status == 200, "\(r.text)")
            #expect(r.json["stat"] as? String == statistic.rawValue && (r.json["title"] as? String)?.isEmpty == false)
            let tensors = try Self.lines(r.text)
            #expect(tensors.map(\.name) == order)
            for t in tensors {
                let name = t.name
                let want = stats.filter { $0.tensor == name }.sorted { $0.step < $1.step }
                let got = t.points
                #expect(got.count == want.count && t.total == want.count)
                for (g, w) in zip(got, want) {
                    let v = Self.stored(w, statistic)
                    #expect(g.0 == w.step && (g.1 == v || (g.1.isNaN && v.isNaN)), "\(statistic) \(name) step \(w.step): \(g.1) vs \(v)")
                }
            }
        }
        let available = get(f, "/api/runs/\(f.batchNormRun)/grads/l2").json["stats"] as? [String] ?? []
        #expect(available.contains("l2") && available.contains("update_ratio"), "\(available)")
    }

    @Test("downsampled lines: at most about N points each, every one a stored value (seeded N and statistics)")
    func downsampled() async throws {
        let f = try await UIFixture.shared.get()
        let store = try Store(path: f.dbPath, readOnly: true)
        let stats = try store.gradStats(run: f.batchNormRun)
        var rng = SplitMix64(state: 0x9ad5)
        for _ in 0..<8 {
            let statistic = GradientStatistic.allCases[rng.below(GradientStatistic.allCases.count)]
            let n = 4 + rng.below(60)
            let r = get(f, "/api/runs/\(f.batchNormRun)/grads/\(statistic.rawValue)?points=\(n)")
            #expect(r.status == 200)
            for t in try Self.lines(r.text) {
                let name = t.name
                var byStep: [Int: Double] = [:]
                for g in stats where g.tensor == name { byStep[g.step] = Self.stored(g, statistic) }
                let pts = t.points
                #expect(pts.count <= max(4, n / 4 * 4) + n / 4 + 1, "\(pts.count) points for points=\(n)")
                for (step, v) in pts where v.isFinite { #expect(byStep[step] == v, "\(statistic) \(name) step \(step)") }
            }
        }
    }

    @Test("bad input: an unknown statistic is a 404 naming the ones there are, a bad points a 400, an unknown run a 404")
    func badInput() async throws {
        let f = try await UIFixture.shared.get()
        let unknown = get(f, "/api/runs/\(f.batchNormRun)/grads/l3")
        #expect(unknown.status == 404 && unknown.text.contains("update_ratio") && unknown.text.contains("l3"))
        let injected = get(f, "/api/runs/\(f.batchNormRun)/grads/l2%20FROM%20runs;--")
        #expect(injected.status == 404, "a statistic name never reaches SQL")
        for bad in ["-1", "10001", "lots"] {
            let r = get(f, "/api/runs/\(f.batchNormRun)/grads/l2?points=\(bad)")
            #expect(r.status == 400 && r.text.contains("points"), "points=\(bad): \(r.text)")
        }
        #expect(get(f, "/api/runs/ffffffff/grads/l2").status == 404)
        let none = get(f, "/api/runs/\(f.longRun)/grads/l2")
        #expect(none.status == 200 && (none.json["tensors"] as? [Any])?.isEmpty == true, "a run without gradient statistics has no lines")
    }

    @Test("generated hostile statistics and points values: a 404 or a 400 saying which, never a crash or a 5xx; in-range points answer")
    func generatedHostileInput() async throws {
        let f = try await UIFixture.shared.get()
        var rng = SplitMix64(state: 0x9e1)
        let alphabet = Array("l2meanstdupdate_ratio%00;'\"-<>/\\ 0123456789٣é")
        for _ in 0..<60 {
            let stat = String((0..<(1 + rng.below(40))).map { _ in alphabet[rng.below(alphabet.count)] })
            let encoded = stat.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let r = get(f, "/api/runs/\(f.batchNormRun)/grads/\(encoded)")
            #expect(r.status == 200 || r.status == 404, "stat \(stat) → \(r.status) \(r.text)")
        }
        let junk = ["-", "+1", "0x10", "1 2", "٣", "1e9", "NaN", "9223372036854775808", "%00", ""]
        for _ in 0..<40 {
            let value = rng.below(3) == 0 ? String(rng.below(20_000)) : junk[rng.below(junk.count)] + String(rng.below(10))
            let r = get(f, "/api/runs/\(f.batchNormRun)/grads/l2?points=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            // The server takes plain digits only (no sign), 0 (every value) to 10,000.
            if !value.isEmpty, value.allSatisfy({ ("0"..."9").contains($0) }), let n = Int(value), (0...10_000).contains(n) {
                #expect(r.status == 200, "points=\(value) → \(r.status) \(r.text)")
            } else {
                #expect(r.status == 400 && r.text.contains("points"), "points=\(value) → \(r.status) \(r.text)")
            }
        }
    }
}
