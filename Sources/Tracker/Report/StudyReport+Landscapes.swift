import Foundation

/// The report's loss landscapes: each run's latest stored plane side by side, with the
/// non-convexity measure (`LandscapeCurvature`) in a table.
extension StudyReport {
    static func landscapeSection(store: Store, comparison: RunComparison) throws -> (markdown: String, figures: [(name: String, svg: String)]) {
        var planes: [(name: String, landscape: LandscapeRecord)] = []
        for row in comparison.rows {
            if let l = try store.landscapes(run: row.run.id).last(where: { $0.kind == .plane }) { planes.append((row.run.name, l)) }
        }
        guard !planes.isEmpty else { return ("", []) }
        var md = "## Loss landscapes\n\n"
        md += "Each run's final checkpoint at the centre of a plane spanned by two filter-normalised random directions "
        md += "(Li et al., NeurIPS 2018), loss on a fixed training subset in evaluation mode (`tracker landscape`). "
        md += "Non-convex share: the fraction of interior grid points where the plane's Hessian (finite differences) has "
        md += "|λmin/λmax| > \(Format.number(LandscapeCurvature.threshold)); flat: both |λ| < \(Format.number(LandscapeCurvature.flatCurvature)).\n\n"
        md += "| run | name | checkpoint | grid | span | samples | centre loss | min loss | max loss | non-convex share | flat share | points/s |\n"
        md += "|" + String(repeating: " --- |", count: 12) + "\n"
        var figures: [(name: String, svg: String)] = []
        for (name, l) in planes {
            let finite = l.loss.filter(\.isFinite)
            let m = l.curvature
            md += "| \(l.runID) | \(name.replacingOccurrences(of: "|", with: "\\|")) | step \(l.checkpointStep) | \(l.grid)×\(l.grid) | \(Format.number(l.span)) | \(l.subsetSize) | "
            md += "\(Format.number(l.centreLoss)) | \(Format.number(finite.min())) | \(Format.number(finite.max())) | "
            md += "\(Format.number(m?.nonConvexShare)) | \(Format.number(m?.flatShare)) | \(Format.number(l.pointsPerSecond)) |\n"
            figures.append(("landscape-\(l.runID).svg", LandscapeSVG(l, title: "\(name) (\(l.runID))", side: 300).svg()))
        }
        md += "\n"
        // Side by side, two a row.
        for start in stride(from: 0, to: planes.count, by: 2) {
            let pair = Array(planes[start..<min(start + 2, planes.count)])
            md += "| " + pair.map { $0.name.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
            md += "|" + String(repeating: " --- |", count: pair.count) + "\n"
            md += "| " + pair.map { "![\($0.name)](landscape-\($0.landscape.runID).svg)" }.joined(separator: " | ") + " |\n\n"
        }
        return (md, figures)
    }
}
