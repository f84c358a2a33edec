import ArgumentParser
import Foundation
import Tracker
import Trainer

/// `tracker landscape RUN`: the loss landscape around a checkpoint (Li et al. 2018), recorded
/// in the store; `--between A B` for the line between two checkpoints or runs.
struct LandscapeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "landscape", abstract: "Record the loss landscape around a run's checkpoint (a filter-normalised random plane), or the line between two checkpoints.",
        discussion: """
            The plane is θ + α·δ + β·η for α, β in [−span, span], with δ and η Gaussian directions drawn from --seed and \
            filter-normalised (each neuron's incoming weights rescaled to that neuron's norm; biases and normalisation \
            parameters get no direction; BatchNorm running statistics stay as in the checkpoint), evaluated in evaluation \
            mode on --samples training samples chosen by --seed. The same command gives the same grid bit for bit.
            Non-convexity: at each interior point the ratio |λmin/λmax| of the plane's 2×2 Hessian (central finite \
            differences); the share of points above \(Format.number(LandscapeCurvature.threshold)) is printed and stored. \
            The line (--between A B, each RUN or RUN:last|best|ID) is (1−t)·θ_A + t·θ_B for t in [0, 1].
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The run id (any unique prefix); leave it out with --between.") var runID: String?
    @Option(help: "Points a side (odd, 3–101; with --between, points on the line, 2–1001).") var grid = 31
    @Option(help: "The plane covers [−span, span]² in units of the directions.") var span = 1.0
    @Option(help: "Training samples evaluated at each point.") var samples = 2000
    @Option(help: "Which checkpoint: last, best or a checkpoint id (see: tracker checkpoints).") var checkpoint = "last"
    @Option(help: "Seed of the directions and of the sample subset.") var seed: UInt64 = 0
    @Option(parsing: .upToNextOption, help: ArgumentHelp("The line between two checkpoints: A B, each RUN or RUN:last|best|ID.", valueName: "A B"))
    var between: [String] = []
    @Option(help: "Threads over the grid (1–8; the grid is the same for any count).") var workers = 2
    @Option(name: .shortAndLong, help: "Also write the landscape as SVG to this file.") var output: String?
    @Option(help: "Output format: table or json.") var format: DocumentFormat = .table

    func validate() throws {
        if between.isEmpty == (runID == nil) { throw ValidationError("give a run id, or --between A B (not both)") }
        try OptionBounds.check(workers, "workers", OptionBounds.workers)
        if !between.isEmpty && between.count != 2 { throw ValidationError("--between takes two endpoints (RUN or RUN:last|best|ID), got \(between.count)") }
        do {
            _ = try LandscapeSpec.CheckpointChoice(parsing: checkpoint)
            try spec.validate(line: !between.isEmpty)
        } catch let TrainerError.invalidInput(message) {
            throw ValidationError(message)
        }
    }

    var spec: LandscapeSpec {
        LandscapeSpec(grid: grid, span: span, samples: samples, seed: seed,
                      checkpoint: (try? LandscapeSpec.CheckpointChoice(parsing: checkpoint)) ?? .last)
    }

    func run() throws {
        let opened = try store.openExisting()
        let runner = ExperimentRunner(store: opened)
        let record = between.count == 2
            ? try runner.interpolation(from: between[0], to: between[1], spec: spec, workers: workers)
            : try runner.landscape(run: runID ?? "", spec: spec, workers: workers)
        if let output {
            try Data(LandscapeSVG(record).svg().utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            Console.err("wrote \(output)")
        }
        if format == .json { Console.out(record.json.pretty); return }
        Console.out(LandscapeText.render(record))
    }
}

/// The text form of a stored landscape (`landscape`, `show`).
enum LandscapeText {
    static func render(_ r: LandscapeRecord) -> String {
        var lines = ["landscape \(r.id.map(String.init) ?? "-")  run \(r.runID)  \(r.title)"]
        lines.append("checkpoint  \(r.checkpointSHA256.prefix(12))   directions \(r.normalization), seed \(r.directionSeed)   subset \(r.subsetSize) samples \(r.subsetFingerprint.prefix(12))")
        let finite = r.loss.filter(\.isFinite)
        lines.append("loss        centre \(Format.number(r.centreLoss))   min \(Format.number(finite.min()))   max \(Format.number(finite.max()))" + (finite.count < r.loss.count ? "   (\(r.loss.count - finite.count) points not finite)" : ""))
        if let a = r.accuracy {
            lines.append("accuracy    centre \(Format.number(r.centreAccuracy))   min \(Format.number(a.filter(\.isFinite).min()))")
        }
        if let m = r.curvature {
            lines.append("non-convex  \(Format.number(m.nonConvexShare)) of \(m.measured) interior points have |λmin/λmax| > \(Format.number(LandscapeCurvature.threshold))   (flat: \(Format.number(m.flatShare)))")
        }
        if !r.trajectory.isEmpty {
            lines.append("trajectory  " + r.trajectory.map { "step \($0.step) (\(Format.number($0.x)), \(Format.number($0.y)))" }.joined(separator: ", "))
        }
        lines.append("cost        \(r.loss.count) points, \(Format.number(r.pointsPerSecond)) points/s")
        return lines.joined(separator: "\n")
    }
}
