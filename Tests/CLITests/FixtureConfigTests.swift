import Foundation
import Testing
import Tracker
import Trainer

/// The fixture study's configs are configs `tracker train` accepts, so the params the read
/// commands and goldens show are those a real run of that config would have.
@Suite("Fixture config")
struct FixtureConfigTests {
    static let configs: [(name: String, config: JSONValue)] = [
        ("no-dropout", Fixture.config(dropout: 0)),
        ("dropout-0.5", Fixture.config(dropout: 0.5)),
        ("deep-sigmoid", Fixture.config(dropout: 0, activation: "sigmoid", depth: 8, norm: "none", seed: 2)),
    ]

    @Test("each fixture config loads through the real config loader and means what the fixture records")
    func loadsThroughTheConfigLoader() throws {
        for (name, json) in Self.configs {
            let (config, _, data) = try ExperimentPlan.resolve(json, doc: ConfigDocument(value: json, source: "Fixture \(name)"))
            #expect(config.experiment == "overfitting")
            #expect(config.epochs == Fixture.epochs)
            #expect(config.seed == UInt64(json[path: "seed"]?.numberValue ?? -1))
            #expect(data.train.count == 1000, "\(name): subset count")
            let shorthand = try #require(config.model.shorthand, "\(name): the MLP shorthand")
            #expect(Double(shorthand.dropout) == json[path: "model.dropout"]?.numberValue)
            #expect(shorthand.hiddenWidths.count + 1 == (name == "deep-sigmoid" ? 8 : 3))
            #expect(shorthand.activation.rawValue == json[path: "model.activation"]?.stringValue)
        }
    }

    @Test("the fixture's params are the flattened config, under the keys a real run uses")
    func paramsUseRealKeys() throws {
        let tmp = TempDir()
        let runs = try Fixture.build(at: tmp.path("t.db"))
        let store = try Store(path: tmp.path("t.db"), readOnly: true)
        let params = try store.summary(of: runs.dropout).params
        #expect(params["model.dropout"] == .real(0.5))
        #expect(params["optimizer.type"] == .text("adam"))
        #expect(params["dropout"] == nil)
    }
}
