import Tracker

/// What `tracker landscape` computes: the grid, its extent, the evaluated subset, the seed of
/// the directions and the checkpoint. Also the `landscape:` block of a config, computed when
/// the run has finished:
///
/// ```yaml
/// landscape: {grid: 21, span: 1.0, samples: 1000, seed: 0, checkpoint: last}
/// ```
///
/// Every value is bounded before any work: a grid is at most 101 points a side (odd, so the
/// checkpoint itself is the centre), and grid² × samples, the forward passes it costs, at most
/// `maxSampleEvaluations`.
public struct LandscapeSpec: Codable, Sendable, Equatable {
    /// Which of the run's checkpoints is the centre (or the line's start).
    public enum CheckpointChoice: Sendable, Equatable, CustomStringConvertible {
        case last, best
        case id(Int64)

        /// Reads `last`, `best` or a checkpoint id (see `tracker checkpoints`).
        public init(parsing text: String) throws {
            switch text {
            case "last": self = .last
            case "best": self = .best
            default:
                guard let id = Int64(text), id > 0 else {
                    throw TrainerError.invalidInput("--checkpoint must be last, best or a checkpoint id (see: tracker checkpoints RUN), got '\(text)'")
                }
                self = .id(id)
            }
        }

        public var description: String {
            switch self {
            case .last: return "last"
            case .best: return "best"
            case .id(let id): return String(id)
            }
        }
    }

    public var grid = 31
    public var span = 1.0
    public var samples = 2000
    /// Seeds the directions and the subset (separate streams of one seed).
    public var seed: UInt64 = 0
    public var checkpoint = CheckpointChoice.last

    public static let gridRange = 3...101
    public static let lineRange = 2...1001
    public static let samplesRange = 1...50_000
    public static let maxSpan = 100.0
    /// grid² × samples: forward passes of one sample (31² × 2000 ≈ 1.9 M is the default).
    public static let maxSampleEvaluations = 25_000_000

    public init(grid: Int = 31, span: Double = 1.0, samples: Int = 2000, seed: UInt64 = 0, checkpoint: CheckpointChoice = .last) {
        self.grid = grid; self.span = span; self.samples = samples; self.seed = seed; self.checkpoint = checkpoint
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case grid, span, samples, seed, checkpoint }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        grid = try c.integer(.grid, in: Self.gridRange) ?? 31
        span = try c.decodeIfPresent(Double.self, forKey: .span) ?? 1.0
        samples = try c.integer(.samples, in: Self.samplesRange) ?? 2000
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        let choice = try c.decodeIfPresent(String.self, forKey: .checkpoint)
        do {
            checkpoint = try choice.map { try CheckpointChoice(parsing: $0) } ?? .last
        } catch {
            throw TrainerError.invalidSpec(key: "landscape.checkpoint", message: "must be last, best or a checkpoint id, got '\(choice ?? "")'")
        }
        try validate(line: false, prefix: "landscape.")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(grid, forKey: .grid)
        try c.encode(span, forKey: .span)
        try c.encode(samples, forKey: .samples)
        try c.encode(seed, forKey: .seed)
        try c.encode(checkpoint.description, forKey: .checkpoint)
    }

    /// Checks every bound; `line` for `--between` (any count of points ≥ 2, no span).
    /// - Throws: `TrainerError.invalidInput` naming the option (`--grid …`), or `.invalidSpec`
    ///   naming the config key when `prefix` is another (`landscape.`).
    public func validate(line: Bool, prefix: String = "--") throws {
        // A config key is a spec error (located in the file); an option is the user's input.
        func fail(_ key: String, _ message: String) -> TrainerError {
            prefix == "--" ? .invalidInput("--\(key) \(message)") : .invalidSpec(key: prefix + key, message: message)
        }
        let range = line ? Self.lineRange : Self.gridRange
        guard range.contains(grid) else { throw fail("grid", "must be between \(range.lowerBound) and \(range.upperBound) points a side, got \(grid)") }
        if !line && grid % 2 == 0 {
            throw fail("grid", "must be odd so that the checkpoint itself is the centre point, got \(grid) (try \(grid + 1))")
        }
        guard span.isFinite, span > 0, span <= Self.maxSpan else {
            throw fail("span", "must be a number in (0, \(Format.number(Self.maxSpan))] (the plane covers [−span, span]² in units of the filter-normalised directions), got \(Format.number(span))")
        }
        guard Self.samplesRange.contains(samples) else {
            throw fail("samples", "must be between \(Self.samplesRange.lowerBound) and \(Self.samplesRange.upperBound), got \(samples)")
        }
        let points = line ? grid : grid * grid
        guard points * samples <= Self.maxSampleEvaluations else {
            throw fail("samples", "\(line ? "grid" : "grid² (\(points))") × samples = \(points * samples) forward passes is above the limit of \(Self.maxSampleEvaluations); lower --grid or --samples")
        }
    }
}
