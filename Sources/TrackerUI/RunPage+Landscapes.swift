import Tracker

/// The run page's loss landscapes (`tracker landscape`), drawn from the stored grids with the
/// same SVG as the CLI and the reports; nothing is recomputed.
extension RunPage {
    func landscapes() -> String {
        guard !report.landscapes.isEmpty else { return "" }
        let rows = report.landscapes.map { l -> [HTML.Cell] in
            [.int(l.id.map { Int($0) }), .text(l.kind.rawValue), .text(l.title), .int(l.subsetSize), .text(String(l.directionSeed)),
             .num(l.centreLoss), .num(l.curvature?.nonConvexShare), .num(l.pointsPerSecond)]
        }
        var out = HTML.table(["id", "kind", "landscape", "samples", "seed", "centre loss", "non-convex share", "points/s"], rows, id: "landscape-table")
        out += "<p class=\"muted\">Non-convex share: interior grid points where the plane's finite-difference Hessian has |λmin/λmax| &gt; \(Format.number(LandscapeCurvature.threshold)) (Li et al. 2018).</p>\n"
        out += "<div class=\"charts\">\n"
        // The newest few: each plane is a few hundred rectangles.
        for l in report.landscapes.suffix(4) { out += LandscapeSVG(l, side: 300).svg() }
        out += "</div>\n"
        return HTML.section("Loss landscapes", id: "landscapes", out)
    }
}
