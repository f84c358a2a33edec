import Foundation
import Tracker

/// Whether two runs' metric series are the same, and where they first part.
public struct Reproduction: Sendable {
    public var originalID: String
    public var rerunID: String
    /// Keys compared, and how many points.
    public var keys: [String]
    public var points: Int
    /// Timing metrics left out of the comparison.
    public var excluded: [String]
    /// Environment fields that differ (they break bit-identity).
    public var environmentDifferences: [(field: String, original: String, rerun: String)]
    /// nil for a bit-for-bit comparison; a relative tolerance when the environments differ.
    public var tolerance: Double?
    public var firstDivergence: RunDiff.Divergence?

    public var identical: Bool { firstDivergence == nil }

    /// The relative tolerance used when environments differ (another CPU, BLAS kernel or thread count).
    public static let fallbackTolerance = 1e-4

    /// Compares every metric series of two stored runs (ids or unique prefixes).
    public static func compare(store: any TrainingStore, original a: String, rerun b: String) throws -> Reproduction {
        try compare(store: store, original: try store.lookUpRun(a, includeDeleted: true), rerun: try store.lookUpRun(b, includeDeleted: true))
    }

    /// Compares every metric series of two resolved runs.
    static func compare(store: any TrainingStore, original: (ref: RunRef, info: RunInfo), rerun: (ref: RunRef, info: RunInfo)) throws -> Reproduction {
        let (ra, rb) = (original.info, rerun.info)
        let envDiff = JSONDiff.changes(try JSONValue.parse(ra.environment), try JSONValue.parse(rb.environment))
            .filter { RunEnvironment.determinismFields.contains($0.path) }
        let tolerance: Double? = envDiff.isEmpty ? nil : fallbackTolerance
        let timing = ExperimentRunner.timingMetrics
        let keysA = Set(try store.metricKeys(run: original.ref)), keysB = Set(try store.metricKeys(run: rerun.ref))
        let keys = keysA.union(keysB).subtracting(timing).sorted()
        var points = 0
        var first: RunDiff.Divergence?
        for key in keys {
            let d = RunDiff.firstDivergence(key: key, try store.metricSeries(run: original.ref, key: key), try store.metricSeries(run: rerun.ref, key: key),
                                            tolerance: tolerance)
            points += d.matchingPoints
            if let step = d.step, first.map({ step < $0.step! || (step == $0.step! && key < $0.key) }) ?? true { first = d }
        }
        return Reproduction(originalID: ra.id, rerunID: rb.id, keys: keys, points: points,
                            excluded: keysA.union(keysB).intersection(timing).sorted(),
                            environmentDifferences: envDiff.map { ($0.path, $0.a?.canonical ?? "—", $0.b?.canonical ?? "—") }, tolerance: tolerance, firstDivergence: first)
    }

    /// A short human report.
    public var summary: String {
        var lines: [String] = []
        if !environmentDifferences.isEmpty {
            lines.append("environments differ, so bit-identity cannot hold; comparing with relative tolerance \(tolerance ?? 0):")
            for d in environmentDifferences { lines.append("  \(d.field): \(d.original) → \(d.rerun)") }
        }
        let scope = "\(keys.count) metrics, \(points) points" + (excluded.isEmpty ? "" : "; timing metrics not compared: \(excluded.joined(separator: ", "))")
        if let d = firstDivergence {
            func show(_ v: Double?) -> String { v.map { "\($0)" } ?? "missing" }
            lines.append("DIVERGED: first difference in '\(d.key)' at step \(d.step.map(String.init) ?? "?"): \(show(d.a)) (run \(originalID)) vs \(show(d.b)) (run \(rerunID)) [\(scope)]")
        } else {
            lines.append((tolerance == nil ? "identical" : "equal within tolerance") + ": run \(rerunID) reproduces run \(originalID) [\(scope)]")
        }
        return lines.joined(separator: "\n")
    }
}

extension ExperimentRunner {
    /// Trains a stored run's config again as a new run (origin `rerun`, parent the original)
    /// and compares the two.
    public func rerun(_ runID: String) throws -> (Outcome, Reproduction) {
        let original = try store.lookUpRun(runID, includeDeleted: false)
        let planned = try plannedRun(from: original.info)
        let outcome = try train(planned, origin: .rerun, parent: original.ref)
        let rerun = (ref: outcome.run, info: try store.summary(of: outcome.run).run)
        return (outcome, try Reproduction.compare(store: store, original: original, rerun: rerun))
    }
}
