/// One stored loss landscape (`tracker landscape`): a plane around a checkpoint spanned by two
/// filter-normalised random directions (Li et al., NeurIPS 2018), or the line between two
/// checkpoints, with what it takes to recompute it bit for bit.
///
/// The Tracker knows nothing about networks: the grid is numbers with provenance (the
/// checkpoint's SHA-256, the directions' seed, the evaluated subset's fingerprint).
public struct LandscapeRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case plane, line }

    /// A checkpoint of the run's own trajectory projected onto the plane.
    public struct TrajectoryPoint: Sendable, Equatable {
        public var step: Int
        public var x: Double
        public var y: Double
        public init(step: Int, x: Double, y: Double) { self.step = step; self.x = x; self.y = y }
    }

    /// Set when read from the store.
    public var id: Int64?
    public var runID: String
    public var kind: Kind
    public var checkpointStep: Int
    public var checkpointKind: String
    public var checkpointSHA256: String
    /// The line's far end (`kind == .line`).
    public var endRunID: String?
    public var endCheckpointStep: Int?
    public var endCheckpointSHA256: String?
    /// How the directions were scaled: `filter` (plane) or `none` (line).
    public var normalization: String
    public var directionSeed: UInt64
    public var subsetSize: Int
    public var subsetFingerprint: String
    /// Points a side: the plane has `grid × grid` values, the line `grid`.
    public var grid: Int
    /// The plane covers [−span, span]²; the line runs from 0 (this checkpoint) to 1 (the far end).
    public var span: Double
    /// Loss at each point: plane row-major (`loss[i * grid + j]` at x_i, y_j); NaN where not finite.
    public var loss: [Double]
    /// Accuracy at each point (classification only).
    public var accuracy: [Double]?
    public var trajectory: [TrajectoryPoint]
    public var pointsPerSecond: Double
    public var createdAt: Double

    public init(runID: String, kind: Kind, checkpointStep: Int, checkpointKind: String, checkpointSHA256: String,
                endRunID: String? = nil, endCheckpointStep: Int? = nil, endCheckpointSHA256: String? = nil,
                normalization: String, directionSeed: UInt64, subsetSize: Int, subsetFingerprint: String,
                grid: Int, span: Double, loss: [Double], accuracy: [Double]?, trajectory: [TrajectoryPoint] = [],
                pointsPerSecond: Double, createdAt: Double) {
        self.runID = runID; self.kind = kind; self.checkpointStep = checkpointStep; self.checkpointKind = checkpointKind
        self.checkpointSHA256 = checkpointSHA256; self.endRunID = endRunID; self.endCheckpointStep = endCheckpointStep
        self.endCheckpointSHA256 = endCheckpointSHA256; self.normalization = normalization; self.directionSeed = directionSeed
        self.subsetSize = subsetSize; self.subsetFingerprint = subsetFingerprint; self.grid = grid; self.span = span
        self.loss = loss; self.accuracy = accuracy; self.trajectory = trajectory
        self.pointsPerSecond = pointsPerSecond; self.createdAt = createdAt
    }

    /// The coordinate of point `i` along an axis: the plane's run over [−span, span] with the
    /// centre exactly 0 (an odd grid puts the checkpoint itself on it); the line's over [0, 1].
    public func coordinate(_ i: Int) -> Double {
        LandscapeRecord.coordinate(i, grid: grid, span: span, kind: kind)
    }

    public static func coordinate(_ i: Int, grid: Int, span: Double, kind: Kind) -> Double {
        guard grid > 1 else { return 0 }
        switch kind {
        case .plane: return span * Double(2 * i - (grid - 1)) / Double(grid - 1)
        case .line: return Double(i) / Double(grid - 1)
        }
    }

    /// Li et al.'s non-convexity measure of the plane (nil for a line).
    public var curvature: LandscapeCurvature? {
        kind == .plane ? LandscapeCurvature(loss: loss, grid: grid, step: grid > 1 ? 2 * span / Double(grid - 1) : 0) : nil
    }

    /// The loss at the grid's centre (the checkpoint itself) or the line's start.
    public var centreLoss: Double? { centre(of: loss) }
    /// The accuracy there.
    public var centreAccuracy: Double? { accuracy.flatMap(centre(of:)) }

    private func centre(of values: [Double]) -> Double? {
        switch kind {
        case .plane: return grid % 2 == 1 && values.count == grid * grid ? values[(grid / 2) * grid + grid / 2] : nil
        case .line: return values.first
        }
    }

    /// A short description: `plane 31×31 ±1.0 around step 120 (last)`.
    public var title: String {
        switch kind {
        case .plane: return "plane \(grid)×\(grid) ±\(Format.number(span)) around step \(checkpointStep) (\(checkpointKind))"
        case .line: return "line of \(grid) points from step \(checkpointStep) to \(endRunID.map { "run \($0) " } ?? "")step \(endCheckpointStep.map(String.init) ?? "?")"
        }
    }
}
