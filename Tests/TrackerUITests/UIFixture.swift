import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Tracker
import Trainer
import TrackerUI

/// A store made by real small training runs, served by `UIServer` on an ephemeral loopback
/// port for the whole test process.
actor UIFixture {
    static let shared = UIFixture()

    /// The hostile run name that must appear escaped everywhere.
    static let hostileName = "<script>alert(1)</script>"

    struct Ready: Sendable {
        var dbPath: String
        var port: Int
        /// Trained with BatchNorm and histograms.
        var batchNormRun: String
        /// Trained under the hostile name.
        var hostileRun: String
        /// Recorded through the API and left running.
        var runningRun: String
        /// 100,000 points of `spiky` with one spike of 1000 at step 77,777.
        var longRun: String
    }

    private var building: Task<Ready, any Error>?
    private var serverTask: Task<Void, any Error>?

    /// The fixture, built once: concurrent callers share one build (the actor is reentrant
    /// across the awaits inside, so a flag checked before them would not do).
    func get() async throws -> Ready {
        if let building { return try await building.value }
        let task = Task { try await build() }
        building = task
        return try await task.value
    }

    private func build() async throws -> Ready {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-ui-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("tracker.db").path
        let runs = try UIFixture.makeStore(at: db, dir: dir)
        let server = UIServer(app: UIApp(databasePath: db), host: "127.0.0.1", port: 0)
        let port = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let once = Once()
            serverTask = Task {
                do {
                    try await server.run { port in
                        if once.first() { continuation.resume(returning: port) }
                    }
                } catch {
                    if once.first() { continuation.resume(throwing: error) }
                }
            }
        }
        return Ready(dbPath: db, port: port, batchNormRun: runs.0, hostileRun: runs.1, runningRun: runs.2, longRun: runs.3)
    }

    static let configA = """
        experiment: ui-test
        seed: 3
        data: {source: moons, size: 400, noise: 0.2, validation: 0.25}
        model: {depth: 2, width: 16, activation: relu, normalization: batch}
        optimizer: {type: adam, lr: 0.01}
        epochs: 3
        batch_size: 32
        logging: {layer_stats_every: 5, histograms: true}
        landscape: {grid: 5, span: 0.5, samples: 50}
        """

    static let configB = """
        experiment: ui-test
        name: "\(hostileName)"
        seed: 4
        data: {source: moons, size: 400, noise: 0.2, validation: 0.25}
        model: {depth: 2, width: 16, activation: tanh, dropout: 0.2}
        optimizer: {type: adam, lr: 0.01}
        epochs: 3
        batch_size: 32
        """

    private static func makeStore(at db: String, dir: URL) throws -> (String, String, String, String) {
        let store = try Store(path: db)
        let experiment = ExperimentRunner(store: store)
        var ids: [String] = []
        for (i, text) in [configA, configB].enumerated() {
            let path = dir.appendingPathComponent("config\(i).yaml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            for planned in try ExperimentPlan.load(path: path) { ids.append(try experiment.train(planned).runID) }
        }
        let running = try store.startRun(RunStart(experiment: "live", name: "still training", config: .object(["lr": .double(0.1)]), seed: 1))
        running.log("train_loss", 1.0, step: 1, epoch: 0, wallTime: 1)
        try running.flush()
        let long = try store.startRun(RunStart(experiment: "live", name: "long", config: .object(["lr": .double(0.2)]), seed: 2), batchSize: 50_000)
        for step in 0..<100_000 { long.log("spiky", step == 77_777 ? 1000 : 1 + Double(step % 7) * 0.01, step: step, wallTime: Double(step)) }
        try long.finish(.finished)
        return (ids[0], ids[1], running.runID, long.runID)
    }
}

/// A minimal HTTP client for the tests.
enum HTTP {
    struct Reply: Sendable {
        var status: Int
        var body: Data
        var headers: [String: String]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body) }
    }

    static func request(_ port: Int, _ path: String, method: String = "GET") async throws -> Reply {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        return try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error { continuation.resume(throwing: error); return }
                guard let http = response as? HTTPURLResponse else { continuation.resume(throwing: URLError(.badServerResponse)); return }
                var headers: [String: String] = [:]
                for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
                continuation.resume(returning: Reply(status: http.statusCode, body: data ?? Data(), headers: headers))
            }.resume()
        }
    }

    static func get(_ port: Int, _ path: String) async throws -> Reply { try await request(port, path) }
}

/// True the first time only (a continuation is resumed once, whatever happens later).
final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func first() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}
