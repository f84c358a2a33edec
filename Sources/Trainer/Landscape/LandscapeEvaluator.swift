import Dispatch
import Foundation

/// Evaluates loss and accuracy at every point of a `LandscapeGeometry`, in evaluation mode
/// (dropout off, BatchNorm on its stored running statistics), on a fixed data subset.
///
/// Points are dealt out round-robin to `workers` threads, each with its own model (layers
/// cache their passes, so a model is never shared). BLAS runs single-threaded meanwhile: a
/// point's value then depends on its weights alone, never on which worker or how many
/// computed it, so the grid is bit-identical for any `workers`.
struct LandscapeEvaluator {
    /// The evaluated samples, standardised like the run's evaluation sets.
    struct Subset: Sendable {
        var inputs: [Float]
        var rows: Int
        var features: Int
        var labels: [Int32]
        /// Regression targets, `rows × targetWidth`; nil for classification.
        var targets: [Float]?
        var targetWidth: Int
    }

    let spec: ModelSpec
    let optimizer: OptimizerSpec
    let subset: Subset
    let workers: Int

    /// The loss and accuracy (nil for regression) at each point, in point order.
    func evaluate(_ geometry: LandscapeGeometry) throws -> [Evaluation] {
        let count = geometry.count
        let threads = max(1, min(workers, count))
        let box = ResultBox(count: count)
        BLAS.setThreads(1)
        let spec = self.spec, optimizer = self.optimizer, subset = self.subset
        DispatchQueue.concurrentPerform(iterations: threads) { w in
            do {
                let probe = try Probe(spec: spec, optimizer: optimizer, subset: subset)
                for p in stride(from: w, to: count, by: threads) {
                    if box.failed { return }
                    box.set(p, try probe.evaluate(point: p, of: geometry))
                }
            } catch {
                box.fail(error)
            }
        }
        return try box.results()
    }

    /// One worker's model and tensors.
    final class Probe {
        let trainer: ModelTrainer
        let tensors: [Tensor]
        let inputs: Tensor
        let labels: [Int32]
        let targets: Tensor?

        init(spec: ModelSpec, optimizer: OptimizerSpec, subset: Subset) throws {
            // The weights drawn here are all overwritten at each point.
            var random = RandomStream(seed: 0, name: "init")
            let model = try Model(spec: spec, random: &random)
            trainer = try ModelTrainer(model: model, optimizer: optimizer, random: RandomStreams(seed: 0))
            tensors = model.parameters.map(\.value) + model.state.map(\.tensor)
            inputs = try Tensor(shape: [subset.rows, subset.features], values: subset.inputs)
            labels = subset.labels
            targets = try subset.targets.map { try Tensor(shape: [subset.rows, subset.targetWidth], values: $0) }
        }

        func evaluate(point p: Int, of geometry: LandscapeGeometry) throws -> Evaluation {
            let sizes = geometry.sizes
            guard sizes == tensors.map(\.count) else {
                throw TrainerError.stateMismatch(name: "landscape", message: "the directions have \(sizes.count) tensors, the model \(tensors.count)")
            }
            for (k, t) in tensors.enumerated() { geometry.fill(point: p, tensor: k, into: t.buffer) }
            if let targets { return try trainer.evaluate(inputs: inputs, targets: targets) }
            return try trainer.evaluate(inputs: inputs, labels: labels)
        }
    }

    /// Results written by the workers, each point once, under a lock.
    final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Evaluation?]
        private var error: (any Error)?

        init(count: Int) { values = Array(repeating: nil, count: count) }

        var failed: Bool { lock.withLock { error != nil } }
        func set(_ p: Int, _ e: Evaluation) { lock.withLock { values[p] = e } }
        func fail(_ e: any Error) { lock.withLock { if error == nil { error = e } } }

        func results() throws -> [Evaluation] {
            try lock.withLock {
                if let error { throw error }
                return try values.map { v in
                    guard let v else { throw TrainerError.invalidInput("a landscape point was not evaluated") }
                    return v
                }
            }
        }
    }
}
