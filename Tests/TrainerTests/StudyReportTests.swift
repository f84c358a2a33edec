import Foundation
import Testing
import Tracker
@testable import Trainer

/// `tracker report`: a page written from the runs alone — findings from the study's
/// predicates, the shared config, wall time, and a table of only what varies.
@Suite("Study reports", .serialized)
struct StudyReportTests {
    static let sweep = """
        experiment: vanishing
        seed: 2
        data: {source: xor, size: 96, validation: 0.25}
        model: {depth: 2, width: 6, activation: relu}
        optimizer: {type: adam, lr: 0.01}
        epochs: 2
        batch_size: 16
        logging: {layer_stats_every: 1, checkpoint_every: 0, keep_best: false, histograms: true}
        sweep:
          grid:
            model.depth: [2, 3]
          variants:
            - {name: sigmoid, set: {model.activation: sigmoid}}
            - {name: relu, set: {model.activation: relu}}
        """

    @Test("the table folds model.widths into one column, has one name column and only varying params; config and wall time are stated")
    func readableTable() throws {
        let (store, _) = try FindingsTests.train(Self.sweep)
        let report = try StudyReport(store: store, experiment: "vanishing")
        let md = report.markdown
        let header = try #require(md.split(separator: "\n").first { $0.hasPrefix("| run |") })
        let columns = header.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        #expect(columns.filter { $0 == "name" }.count == 1, "\(columns)")
        #expect(!columns.contains { $0.hasPrefix("model.widths.") }, "\(columns)")
        #expect(columns.contains("model.widths") && columns.contains("model.activation") && columns.contains("wall time"))
        #expect(!columns.contains("optimizer.lr") && !columns.contains("seed"), "shared params are not columns: \(columns)")
        #expect(md.contains("| 6 × 2 |") && md.contains("| 6 × 3 |"))
        #expect(md.contains("## Config") && md.contains("optimizer.lr = 0.01") && !md.contains("optimizer.lr.type") && md.contains("data.source = xor"))
        #expect(md.contains("of training in all (wall time"))
        #expect(md.contains("## Prior fits") && md.contains("| layers.0.weight |"))
    }

    @Test("the findings paragraph is the study's predicates' sentences, computed from the same runs")
    func findingsFromPredicates() throws {
        let (store, byName) = try FindingsTests.train(Self.sweep)
        let report = try StudyReport(store: store, experiment: "vanishing")
        let expected = try Findings.vanishing(StudyRuns(store: store, runs: try store.summaries(of: byName.values.map(\.run))))
        #expect(!expected.isEmpty)
        #expect(report.findings == expected)
        for f in expected { #expect(report.markdown.contains("- " + f.sentence)) }
        // A claim the runs do not bear out is printed as such, never as shown.
        for f in expected where !f.holds { #expect(f.sentence.contains("**not shown**")) }
        // An experiment without predicates says so rather than inventing findings.
        let other = try FindingsTests.train(Self.sweep.replacingOccurrences(of: "experiment: vanishing", with: "experiment: other")).0
        #expect(try StudyReport(store: other, experiment: "other").markdown.contains("No findings are defined"))
    }
}
