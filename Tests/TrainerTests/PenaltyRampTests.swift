import Foundation
import Testing
import Tracker
@testable import Trainer

/// `regularization.schedule`: the data loss first, then a growing L1/L2 penalty.
@Suite("Penalty schedule (warm-up, then a ramp)")
struct PenaltyRampTests {
    static func config(warmup: String, ramp: String, epochs: String = "4", extra: String = "") -> String {
        """
        experiment: ramp
        seed: 3
        epochs: \(epochs)
        batch_size: 16
        data: {source: xor, size: 64, validation: 0.25}
        model: {depth: 1, width: 8, activation: tanh}
        regularization: {l1: 0.01, schedule: {warmup_epochs: \(warmup), ramp_epochs: \(ramp)\(extra)}}
        logging: {layer_stats_every: 0, checkpoint_every: 0, keep_best: false}
        """
    }

    @Test("the factor is 0 through the warm-up, rises linearly over the ramp, then stays 1; a ramp of 0 is a step")
    func factor() {
        let r = PenaltyRamp(warmupEpochs: 2, rampEpochs: 4)
        #expect((0..<20).allSatisfy { r.factor(step: $0, stepsPerEpoch: 10) == 0 })
        #expect(r.factor(step: 20, stepsPerEpoch: 10) > 0)
        #expect(r.factor(step: 29, stepsPerEpoch: 10) == 0.25)
        #expect(r.factor(step: 49, stepsPerEpoch: 10) == 0.75)
        #expect(r.factor(step: 59, stepsPerEpoch: 10) == 1)
        #expect(r.factor(step: 10_000, stepsPerEpoch: 10) == 1)
        #expect(PenaltyRamp(warmupEpochs: 2, rampEpochs: 0).factor(step: 20, stepsPerEpoch: 10) == 1)
        #expect(PenaltyRamp(warmupEpochs: 2, rampEpochs: 0).factor(step: 19, stepsPerEpoch: 10) == 0)
        #expect(PenaltyRamp(warmupEpochs: 0, rampEpochs: 0).factor(step: 0, stepsPerEpoch: 0) == 1)
        var reg = Regularization(l1: .constant(0.5), l2: .constant(0.25), schedule: r)
        reg.stepsPerEpoch = 10
        #expect(reg.strengths(at: 5) == (0, 0))
        #expect(reg.strengths(at: 39) == (0.25, 0.125))
    }

    @Test("seeded generated warm-up and ramp values: a plan whose factor stays in [0, 1] and never falls, or an error naming the key")
    func generatedBounds() throws {
        var gen = ConfigGenerator(state: 0x5CED)
        var planned = 0, refused = 0
        for i in 0..<240 {
            let warmup = i % 3 == 0 ? String(gen.int(0...6)) : gen.number()
            let ramp = i % 3 == 1 ? String(gen.int(0...6)) : gen.number()
            let epochs = String(gen.int(1...8))
            do {
                let runs = try ExperimentPlan.plan(ConfigDocument.parse(Self.config(warmup: warmup, ramp: ramp, epochs: epochs), source: "r.yaml"))
                let c = try #require(runs.first?.config)
                let ramp = try #require(c.regularization?.schedule)
                #expect(ramp.warmupEpochs >= 0 && ramp.warmupEpochs < c.epochs && ramp.rampEpochs >= 0 && ramp.rampEpochs <= SpecBounds.epochs.upperBound)
                let factors = (0..<200).map { ramp.factor(step: $0, stepsPerEpoch: 7) }
                #expect(factors.allSatisfy { $0 >= 0 && $0 <= 1 })
                #expect(zip(factors, factors.dropFirst()).allSatisfy { $0 <= $1 })
                planned += 1
            } catch let e as ConfigError {
                refused += 1
                let named = ["regularization.schedule.warmup_epochs", "regularization.schedule.ramp_epochs", "regularization.schedule"]
                    .contains { e.message.contains("'\($0)'") }
                #expect(named, "warmup \(warmup), ramp \(ramp), epochs \(epochs) → \(e.message)")
            } catch {
                Issue.record("warmup \(warmup), ramp \(ramp) → not a ConfigError: \(error)")
            }
        }
        #expect(planned > 20 && refused > 20, "planned \(planned), refused \(refused)")
    }

    @Test("a warm-up as long as the run, a negative or fractional count, or an unknown key is refused with what to change")
    func handPicked() throws {
        func message(_ text: String) -> String {
            do { _ = try ExperimentPlan.plan(ConfigDocument.parse(text, source: "r.yaml")); return "" } catch { return "\(error)" }
        }
        #expect(message(Self.config(warmup: "4", ramp: "1")).contains("penalty would never apply"))
        #expect(message(Self.config(warmup: "-1", ramp: "1")).contains("warmup_epochs"))
        #expect(message(Self.config(warmup: "1", ramp: "1.5")).contains("whole number"))
        #expect(message(Self.config(warmup: "1", ramp: "1", extra: ", ramp_epoch: 2")).contains("did you mean"))
        #expect(message(Self.config(warmup: "3", ramp: "0")).isEmpty)
    }

    @Test("training: no penalty and weights identical to the unpenalised run through the warm-up, then a penalty that grows over the ramp")
    func training() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ramp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(path: dir.appendingPathComponent("t.db").path)
        let runner = ExperimentRunner(store: store)
        let ramped = try #require(try ExperimentPlan.plan(ConfigDocument.parse(Self.config(warmup: "1", ramp: "2"))).first)
        let plain = try #require(try ExperimentPlan.plan(ConfigDocument.parse(Self.config(warmup: "1", ramp: "2").replacingOccurrences(
            of: "regularization: {l1: 0.01, schedule: {warmup_epochs: 1, ramp_epochs: 2}}", with: ""))).first)
        #expect(try runner.train(ramped, origin: .new).status == .finished)
        #expect(try runner.train(plain, origin: .new).status == .finished)
        let runs = try store.runs()
        let r = try #require(runs.first { $0.config.contains("schedule") }), p = try #require(runs.first { !$0.config.contains("schedule") })
        let penalty = try store.metricSeries(run: r.id, key: "penalty")
        let perEpoch = 3  // 48 training samples in batches of 16
        #expect(penalty.count == 4 * perEpoch)
        #expect(penalty.prefix(perEpoch).allSatisfy { $0.value == 0 })
        let ramp = penalty.dropFirst(perEpoch).prefix(2 * perEpoch).map(\.value)
        #expect(ramp.allSatisfy { $0 > 0 } && ramp.last! > 3 * ramp.first!, "the penalty grows over the ramp: \(ramp)")
        let normR = try store.metricSeries(run: r.id, key: "weight_norm").map(\.value), normP = try store.metricSeries(run: p.id, key: "weight_norm").map(\.value)
        #expect(normR.first == normP.first, "epoch 1 trains as without a penalty")
        #expect(normR.last != normP.last)
        #expect(try store.summary(of: r.id).params["regularization.schedule.warmup_epochs"] == .int(1))
    }
}
