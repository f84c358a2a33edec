import Foundation
import Testing
import Tracker

/// `tracker hist`: weight histograms with the fitted Laplace and Gaussian densities.
@Suite("tracker hist with prior fits", .serialized)
struct HistCLITests {
    @Test("each histogram line is followed by its Laplace and Gaussian fits on the same scale, the better one marked; JSON carries the fit")
    func histWithFits() throws {
        let tmp = TempDir()
        let db = tmp.path("h.db"), config = tmp.path("h.yaml")
        try Data("""
            experiment: hist
            seed: 5
            epochs: 2
            batch_size: 16
            data: {source: blobs, size: 128, classes: 3, features: 6, validation: 0.25}
            model: {depth: 1, width: 16, activation: relu}
            regularization: {l1: 0.01}
            logging: {layer_stats_every: 0, checkpoint_every: 0, keep_best: false, histograms: true, histogram_bins: 21}
            """.utf8).write(to: URL(fileURLWithPath: config))
        #expect(try CLI.run(["train", "--db", db, config]).status == 0)
        let store = try Store(path: db)
        let run = try #require(try store.runs().first).id
        let r = try CLI.run(["hist", "--db", db, run, "--tensor", "layers.0.weight"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6, "two epochs × (histogram, laplace, gaussian): \(lines)")
        for i in stride(from: 0, to: lines.count, by: 3) {
            #expect(lines[i].hasPrefix("layers.0.weight epoch"))
            #expect(lines[i + 1].contains("laplace") && lines[i + 1].contains("b="))
            #expect(lines[i + 2].contains("gaussian") && lines[i + 2].contains("σ="))
            #expect([lines[i + 1], lines[i + 2]].filter { $0.contains("← fits better") }.count == 1)
            // The bars start in the same column in all three lines.
            let start = try #require(lines[i].range(of: "[")).upperBound
            let column = lines[i].distance(from: lines[i].startIndex, to: start) + lines[i][start...].prefix { $0 != " " }.count + 1
            #expect(lines[i + 1].count > column && lines[i + 2].count > column)
        }
        let json = try CLI.run(["hist", "--db", db, run, "--tensor", "layers.0.weight", "--format", "json"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        let fit = try #require(parsed.first?["fit"] as? [String: Any])
        #expect(fit["laplaceScale"] is Double && fit["gaussianStd"] is Double && fit["count"] as? Int == 6 * 16)
    }
}
