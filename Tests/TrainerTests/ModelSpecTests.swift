import Foundation
import Testing
@testable import Trainer

@Suite("Model specs")
struct ModelSpecTests {
    func decode(_ json: String) throws -> ModelSpec {
        try JSONDecoder().decode(ModelSpec.self, from: Data(json.utf8))
    }

    func expectInvalid(_ json: String, key: String) {
        do {
            _ = try decode(json)
            Issue.record("\(json) decoded")
        } catch TrainerError.invalidSpec(let k, _) {
            #expect(k == key)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("the shorthand expands to Dense → norm → activation → dropout units and an output layer")
    func shorthand() throws {
        let spec = try decode(#"{"input": 784, "widths": [256, 128], "activation": "relu", "normalization": "batch", "dropout": 0.5, "classes": 10}"#)
        var r = Fixture.initStream
        let model = try Model(spec: spec, random: &r)
        #expect(model.network.layers.map(\.kind) == [
            "dense", "batch_norm", "relu", "dropout", "dense", "batch_norm", "relu", "dropout", "dense"])
        #expect(model.parameters.map(\.name).prefix(4) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
        #expect(model.state.map(\.name) == ["layers.1.running_mean", "layers.1.running_var",
                                            "layers.5.running_mean", "layers.5.running_var"])
        #expect(model.outputWidth == 10)
        let again = try JSONDecoder().decode(ModelSpec.self, from: JSONEncoder().encode(spec))
        #expect(again == spec)
    }

    @Test("norm placement after the activation, and residual blocks with a projection")
    func residual() throws {
        let spec = try decode(#"{"input": 5, "depth": 4, "width": 8, "activation": "tanh", "normalization": "layer", "norm_placement": "after", "residual_every": 2, "classes": 2}"#)
        var r = Fixture.initStream
        let model = try Model(spec: spec, random: &r)
        #expect(model.network.layers.map(\.kind) == ["residual", "residual", "dense"])
        let first = try #require(model.network.layers[0] as? Residual)
        let second = try #require(model.network.layers[1] as? Residual)
        #expect(first.projection != nil && second.projection == nil)
        #expect((first.block as? Sequential)?.layers.map(\.kind) == ["dense", "tanh", "layer_norm", "dense", "tanh", "layer_norm"])
        #expect(model.parameters.map(\.name).contains("layers.0.projection.weight"))
        #expect(model.parameters.map(\.name).contains("layers.1.block.layers.3.weight"))
    }

    @Test("an explicit layer list builds as written, with PReLU and leaky slopes")
    func explicit() throws {
        let spec = try decode(#"{"input": 3, "layers": [{"type": "dense", "units": 4, "init": "he_uniform"}, {"type": "prelu", "shared": true}, {"type": "dense", "units": 4}, {"type": "leaky_relu", "slope": 0.2}, {"type": "residual", "layers": [{"type": "dense", "units": 4}, {"type": "sigmoid"}]}, {"type": "dense", "units": 2, "bias": false}]}"#)
        var r = Fixture.initStream
        let model = try Model(spec: spec, random: &r)
        #expect(model.network.layers.map(\.kind) == ["dense", "prelu", "dense", "leaky_relu", "residual", "dense"])
        #expect((model.network.layers[1] as? PReLU)?.shared == true)
        #expect((model.network.layers[3] as? LeakyReLU)?.slope == 0.2)
        #expect((model.network.layers[5] as? Dense)?.bias == nil)
    }

    @Test("invalid values are typed errors naming the key")
    func invalid() {
        expectInvalid(#"{"input": 4, "depth": 2, "width": 0, "classes": 2}"#, key: "width")
        expectInvalid(#"{"input": 4, "depth": 2, "width": 8, "activation": "swish", "classes": 2}"#, key: "activation")
        expectInvalid(#"{"input": 4, "depth": 2, "width": 8, "dropout": 1.0, "classes": 2}"#, key: "dropout")
        expectInvalid(#"{"input": 4, "depth": 2, "width": 8, "dropout": -0.1, "classes": 2}"#, key: "dropout")
        expectInvalid(#"{"input": 0, "depth": 2, "width": 8, "classes": 2}"#, key: "input")
        expectInvalid(#"{"input": 4, "depth": 2, "width": 8, "normalization": "group", "classes": 2}"#, key: "normalization")
        expectInvalid(#"{"input": 4, "depth": 2, "width": 8}"#, key: "classes")
        expectInvalid(#"{"input": 4, "widths": [8, 0], "classes": 2}"#, key: "widths.1")
        expectInvalid(#"{"input": 4, "layers": [{"type": "dense", "units": 4}, {"type": "dropout", "p": 1.5}]}"#, key: "layers.1.p")
        expectInvalid(#"{"input": 4, "layers": [{"type": "conv"}]}"#, key: "layers.0.type")
        expectInvalid(#"{"input": 4, "layers": [{"type": "dense", "units": 0}]}"#, key: "layers.0.units")
    }

    @Test("a spec nested in a run config reports the full key")
    func nested() throws {
        struct Config: Decodable { var model: ModelSpec }
        do {
            _ = try JSONDecoder().decode(Config.self, from: Data(#"{"model": {"input": 4, "depth": 1, "width": 4, "activation": "gelu", "classes": 2}}"#.utf8))
            Issue.record("decoded")
        } catch TrainerError.invalidSpec(let key, _) {
            #expect(key == "model.activation")
        }
    }

    @Test("default initialisation follows the activation: He for ReLU, Xavier for sigmoid")
    func defaultInit() throws {
        var r1 = Fixture.initStream, r2 = Fixture.initStream
        let relu = try Model(spec: .mlp(input: 400, hidden: [400], classes: 2, activation: .relu), random: &r1)
        let sigmoid = try Model(spec: .mlp(input: 400, hidden: [400], classes: 2, activation: .sigmoid), random: &r2)
        func std(_ t: Tensor) -> Double {
            let m = Reductions.moments(t.data, count: t.count)
            return (m.sumOfSquares / Double(t.count)).squareRoot()
        }
        #expect(abs(std(relu.parameters[0].value) - (2.0 / 400).squareRoot()) < 0.003)
        #expect(abs(std(sigmoid.parameters[0].value) - (2.0 / 800).squareRoot()) < 0.003)
    }
}
