import Foundation
import TrackerUI
import Tracker

/// Servers over the UI fixture's store with short timers (1 s request deadline, 1 s idle
/// timeout), so the hostile-input tests see deadlines fire within a few seconds.
actor HostileServer {
    static let shared = HostileServer()

    static var shortLimits: UIServer.Limits {
        var l = UIServer.Limits()
        l.requestDeadline = .seconds(1)
        l.idleTimeout = .seconds(1)
        l.lingerTime = .milliseconds(200)
        return l
    }

    private var ports: [String: Int] = [:]
    private var tasks: [Task<Void, any Error>] = []

    /// The port of a server named `name` (started on first use) with `limits`.
    func port(_ name: String = "short", limits: UIServer.Limits = HostileServer.shortLimits, hosts: HostPolicy = .loopback) async throws -> Int {
        if let p = ports[name] { return p }
        let f = try await UIFixture.shared.get()
        let server = UIServer(app: UIApp(databasePath: f.dbPath), host: "127.0.0.1", port: 0, hosts: hosts, limits: limits)
        let once = Once()
        var task: Task<Void, any Error>?
        let port = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            task = Task {
                do {
                    try await server.run { port in if once.first() { continuation.resume(returning: port) } }
                } catch {
                    if once.first() { continuation.resume(throwing: error) }
                }
            }
        }
        if let task { tasks.append(task) }
        ports[name] = port
        return port
    }
}

/// A seeded generator (SplitMix64): the hostile inputs are random but the same every run.
struct SeededGenerator: RandomNumberGenerator {
    private var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(state: seed) }
    mutating func next() -> UInt64 { rng.next() }
}

/// Time a normal request takes on a fresh connection.
func timedNormalRequest(port: Int, path: String = "/api/experiments") throws -> (status: Int, seconds: Double) {
    let start = ContinuousClock.now
    let c = try RawClient(port: port)
    defer { c.close() }
    try c.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    let status = try c.response().status
    let elapsed = ContinuousClock.now - start
    return (status, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
