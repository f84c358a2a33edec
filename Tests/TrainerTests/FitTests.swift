import Testing
@testable import Trainer

@Suite("Small models fit classic problems")
struct FitTests {
    /// Two interleaved spirals, `perClass` points each, with a little noise.
    static func spirals(perClass: Int, seed: UInt64) -> (Tensor, [Int32]) {
        var r = RandomStream(seed: seed, name: "spirals")
        let x = Tensor(zeros: [2 * perClass, 2])
        var labels: [Int32] = []
        for k in 0..<2 {
            for i in 0..<perClass {
                let t = Double(i) / Double(perClass) * 3 * Double.pi + 0.3
                let radius = t / (3 * Double.pi + 0.3)
                let angle = t + Double(k) * Double.pi
                let row = k * perClass + i
                x[row, 0] = Float(radius * cos(angle) + r.nextGaussian() * 0.01)
                x[row, 1] = Float(radius * sin(angle) + r.nextGaussian() * 0.01)
                labels.append(Int32(k))
            }
        }
        return (x, labels)
    }

    @Test("an MLP fits XOR exactly")
    func xor() throws {
        let x = try Tensor(shape: [4, 2], values: [0, 0, 0, 1, 1, 0, 1, 1])
        let y: [Int32] = [0, 1, 1, 0]
        let trainer = try ModelTrainer(spec: .mlp(input: 2, hidden: [8], classes: 2, activation: .tanh),
                                  optimizer: .adam(0.05), seed: 1)
        for _ in 0..<300 { _ = try trainer.trainStep(inputs: x, labels: y) }
        let result = try trainer.evaluate(inputs: x, labels: y)
        #expect(result.accuracy == 1)
        #expect(result.loss < 0.05)
    }

    @Test("an MLP separates two spirals to at least 95% accuracy")
    func spirals() throws {
        let (x, y) = Self.spirals(perClass: 200, seed: 2)
        let trainer = try ModelTrainer(spec: .mlp(input: 2, hidden: [64, 64], classes: 2, activation: .relu),
                                  optimizer: .adam(0.01), seed: 3)
        var order = Array(0..<x.rows)
        var batch: Tensor?
        for _ in 0..<150 {
            trainer.random.shuffle.shuffle(&order)
            for start in stride(from: 0, to: order.count, by: 32) {
                let idx = order[start..<min(start + 32, order.count)]
                let xb = Tensor.gatherRows(of: x, at: idx, reusing: batch)
                batch = xb
                _ = try trainer.trainStep(inputs: xb, labels: idx.map { y[$0] })
            }
        }
        let result = try trainer.evaluate(inputs: x, labels: y)
        #expect(result.accuracy! >= 0.95, "accuracy \(result.accuracy!)")
    }

    @Test("a regression MLP fits y = sin(x) with MSE")
    func regression() throws {
        let n = 64
        let x = Tensor(zeros: [n, 1]), t = Tensor(zeros: [n, 1])
        for i in 0..<n { x[i] = Float(i) / Float(n) * 6 - 3; t[i] = sin(x[i]) }
        let trainer = try ModelTrainer(spec: .mlp(input: 1, hidden: [32], classes: 1, activation: .tanh),
                                  optimizer: .adam(0.02), seed: 4)
        for _ in 0..<500 { _ = try trainer.trainStep(inputs: x, targets: t) }
        #expect(try trainer.evaluate(inputs: x, targets: t).loss < 5e-3)
    }

    @Test("bad inputs are errors, not crashes")
    func badInputs() throws {
        let trainer = try ModelTrainer(spec: .mlp(input: 2, hidden: [4], classes: 3), optimizer: .adam(), seed: 1)
        let x = Tensor(zeros: [2, 2])
        #expect(throws: TrainerError.self) { try trainer.trainStep(inputs: x, labels: [0, 3]) }
        #expect(throws: TrainerError.self) { try trainer.trainStep(inputs: x, labels: [0]) }
        #expect(throws: TrainerError.self) { try trainer.trainStep(inputs: Tensor(zeros: [2, 5]), labels: [0, 1]) }
        #expect(throws: TrainerError.self) { try trainer.evaluate(inputs: x, labels: [0, -1]) }
        #expect(throws: TrainerError.self) { try trainer.trainStep(inputs: x, targets: Tensor(zeros: [2, 2])) }
        #expect(trainer.step == 0)
    }
}

import Foundation
