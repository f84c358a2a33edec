import Foundation
@testable import Tracker

/// A fresh temporary directory, removed when the value is released.
final class TempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

func sampleStart(_ name: String = "run", experiment: String = "exp", seed: UInt64 = 7) -> RunStart {
    RunStart(experiment: experiment, name: name,
             config: .object(["optimizer": .object(["lr": .double(0.001), "name": .string("adam")]), "epochs": .int(3), "dropout": .double(0.5)]),
             seed: seed, environment: .object(["os": .string("linux")]))
}
