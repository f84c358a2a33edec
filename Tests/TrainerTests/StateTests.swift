import Testing
@testable import Trainer

@Suite("Savable state")
struct StateTests {
    static let spec = ModelSpec.mlp(input: 6, hidden: [8, 8], classes: 3, activation: .relu,
                                    normalization: .batch, dropout: 0.2)

    func batch(_ seed: UInt64) -> (Tensor, [Int32]) {
        let x = Fixture.tensor(5, 6, seed: seed)
        return (x, (0..<5).map { Int32(($0 + Int(seed)) % 3) })
    }

    func trained(steps: Int) throws -> ModelTrainer {
        let t = try ModelTrainer(spec: Self.spec, optimizer: .adam(0.01),
                            regularization: Regularization(l2: .constant(1e-3)), seed: 11)
        for s in 0..<steps { let (x, y) = batch(UInt64(s)); _ = try t.trainStep(inputs: x, labels: y) }
        return t
    }

    @Test("the state round-trips bit-exactly through the payload")
    func roundTrip() throws {
        let t = try trained(steps: 3)
        var state = t.state()
        state.setWords("loop.epoch", [2])
        state.setScalars("loop.best_val_acc", [.nan, 0.875])
        let payload = state.serialized()
        let back = try StateDict(payload: payload)
        #expect(back.isBitIdentical(to: state))
        #expect(back.serialized() == payload)
        #expect(back.words("loop.epoch") == [2])
        #expect(state.names.contains("layers.1.running_mean"))
        #expect(state.names.contains("optimizer.layers.0.weight.exp_avg_sq"))
    }

    @Test("a step after restore equals the step without the save")
    func continueAfterRestore() throws {
        let original = try trained(steps: 4)
        let payload = original.serializedState()
        let (x, y) = batch(100)
        let expected = try original.trainStep(inputs: x, labels: y)

        let restored = try ModelTrainer(spec: Self.spec, optimizer: .adam(0.01),
                                   regularization: Regularization(l2: .constant(1e-3)), seed: 999)
        try restored.restore(payload: payload)
        let got = try restored.trainStep(inputs: x, labels: y)
        #expect(got.dataLoss.bitPattern == expected.dataLoss.bitPattern)
        #expect(got.l2Penalty.bitPattern == expected.l2Penalty.bitPattern)
        #expect(restored.state().isBitIdentical(to: original.state()))
    }

    @Test("loading into another architecture names the mismatching tensor")
    func mismatch() throws {
        let payload = try trained(steps: 1).serializedState()
        let other = try ModelTrainer(spec: .mlp(input: 6, hidden: [8, 9], classes: 3, activation: .relu,
                                           normalization: .batch, dropout: 0.2),
                                optimizer: .adam(0.01), seed: 1)
        let before = other.state()
        #expect(throws: TrainerError.stateMismatch(name: "layers.4.weight",
                                                   message: "stored shape [8, 8] but the model has [8, 9]")) {
            try other.restore(payload: payload)
        }
        #expect(other.state().isBitIdentical(to: before))
        let shallower = try ModelTrainer(spec: .mlp(input: 6, hidden: [8], classes: 3, activation: .relu,
                                               normalization: .batch, dropout: 0.2),
                                    optimizer: .adam(0.01), seed: 1)
        do {
            try shallower.restore(payload: payload)
            Issue.record("expected a mismatch")
        } catch let TrainerError.stateMismatch(name, _) {
            #expect(name.hasPrefix("layers."))
        }
    }

    @Test("damaged payloads are errors")
    func corrupt() throws {
        var payload = try trained(steps: 1).serializedState()
        #expect(throws: TrainerError.self) { try StateDict(payload: Array(payload.prefix(40))) }
        payload[payload.count / 2] ^= 0x40
        #expect(throws: TrainerError.self) { try StateDict(payload: payload) }
        #expect(throws: TrainerError.self) { try StateDict(payload: [1, 2, 3]) }
    }

    @Test("same seed gives bit-identical training; the dropout rate does not change initial weights")
    func determinism() throws {
        let a = try trained(steps: 3), b = try trained(steps: 3)
        #expect(a.state().isBitIdentical(to: b.state()))
        var withDropout = Self.spec.shorthand!
        withDropout.dropout = 0.6
        let c = try ModelTrainer(spec: ModelSpec(input: 6, shorthand: withDropout), optimizer: .adam(), seed: 11)
        let d = try ModelTrainer(spec: Self.spec, optimizer: .adam(), seed: 11)
        for (p, q) in zip(c.model.parameters, d.model.parameters) {
            #expect(p.value.values == q.value.values, "\(p.name)")
        }
    }
}
