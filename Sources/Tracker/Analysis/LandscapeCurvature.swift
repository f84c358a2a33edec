/// The non-convexity of a loss plane, after Li et al. (NeurIPS 2018, §6): the ratio
/// |λmin / λmax| of the principal curvatures at each point, here of the Hessian *restricted
/// to the plane* and estimated by central finite differences of the stored grid.
///
/// At an interior point (x_i, y_j) with grid step h:
///   f_xx = (L[i+1][j] − 2L[i][j] + L[i−1][j]) / h²,   f_yy likewise,
///   f_xy = (L[i+1][j+1] − L[i+1][j−1] − L[i−1][j+1] + L[i−1][j−1]) / 4h²,
/// the eigenvalues λmin ≤ λmax of [[f_xx, f_xy], [f_xy, f_yy]], and the ratio
/// ρ = |λmin / λmax| where λmin < 0 (negative curvature), 0 where both are ≥ 0 (locally
/// convex). A point whose curvatures are both below `flatCurvature` in magnitude is flat
/// (ρ = 0): there the ratio would measure round-off, not shape.
///
/// The summary is the share of interior points with ρ > `threshold` = 0.1, that is, where the
/// most negative curvature is at least a tenth of the most positive one: Li et al.'s maps
/// show such points as the non-blue (markedly non-convex) regions. Points with a non-finite
/// loss among their neighbours are not counted.
public struct LandscapeCurvature: Sendable, Equatable {
    /// ρ above this counts as markedly non-convex.
    public static let threshold = 0.1
    /// |λ| below this (loss units per unit² of the plane's coordinates) counts as flat.
    public static let flatCurvature = 1e-3

    /// ρ at each interior point, row-major over (grid − 2)²; NaN where not measurable.
    public let ratios: [Double]
    /// Interior points with a finite neighbourhood.
    public let measured: Int
    /// The share of measured points with ρ > `threshold`.
    public let nonConvexShare: Double
    /// The share of measured points that are flat.
    public let flatShare: Double

    /// - Parameters: `loss` row-major `grid × grid`, `step` the spacing h of the grid.
    public init(loss: [Double], grid: Int, step h: Double) {
        var ratios: [Double] = []
        var measured = 0, nonConvex = 0, flat = 0
        if grid >= 3, loss.count == grid * grid, h > 0, h.isFinite {
            ratios.reserveCapacity((grid - 2) * (grid - 2))
            let h2 = h * h
            func l(_ i: Int, _ j: Int) -> Double { loss[i * grid + j] }
            for i in 1..<(grid - 1) {
                for j in 1..<(grid - 1) {
                    let fxx = (l(i + 1, j) - 2 * l(i, j) + l(i - 1, j)) / h2
                    let fyy = (l(i, j + 1) - 2 * l(i, j) + l(i, j - 1)) / h2
                    let fxy = (l(i + 1, j + 1) - l(i + 1, j - 1) - l(i - 1, j + 1) + l(i - 1, j - 1)) / (4 * h2)
                    guard fxx.isFinite, fyy.isFinite, fxy.isFinite else { ratios.append(.nan); continue }
                    let (lo, hi) = LandscapeCurvature.eigenvalues(fxx, fxy, fyy)
                    measured += 1
                    let rho: Double
                    if max(abs(lo), abs(hi)) < LandscapeCurvature.flatCurvature {
                        flat += 1
                        rho = 0
                    } else if lo >= 0 {
                        rho = 0
                    } else {
                        rho = hi == 0 ? .infinity : abs(lo / hi)
                    }
                    if rho > LandscapeCurvature.threshold { nonConvex += 1 }
                    ratios.append(rho)
                }
            }
        }
        self.ratios = ratios
        self.measured = measured
        nonConvexShare = measured > 0 ? Double(nonConvex) / Double(measured) : .nan
        flatShare = measured > 0 ? Double(flat) / Double(measured) : .nan
    }

    /// The eigenvalues (smaller, larger) of the symmetric matrix [[a, b], [b, c]].
    public static func eigenvalues(_ a: Double, _ b: Double, _ c: Double) -> (Double, Double) {
        let mean = (a + c) / 2, half = (a - c) / 2
        let r = (half * half + b * b).squareRoot()
        return (mean - r, mean + r)
    }
}
