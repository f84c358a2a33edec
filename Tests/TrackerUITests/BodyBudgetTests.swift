import Foundation
import Testing
import TrackerUI

@Suite("The server holds a bounded total of request bodies")
struct BodyBudgetTests {
    static var limits: UIServer.Limits {
        var l = HostileServer.shortLimits
        l.requestDeadline = .seconds(10)
        l.idleTimeout = .seconds(10)
        l.maxBody = 300_000
        l.maxBufferedBodies = 500_000
        return l
    }

    @Test("bodies that would exceed the server-wide budget are 503 with Retry-After; the bytes come back when their clients leave")
    func budget() async throws {
        let port = try await HostileServer.shared.port("bodies", limits: BodyBudgetTests.limits)
        var rng = SeededGenerator(seed: 21)
        // Two uploads stop half way, holding 2 x 200,000 bytes of the 500,000.
        var holders: [RawClient] = []
        for _ in 0..<2 {
            let c = try RawClient(port: port)
            try c.send("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 290000\r\n\r\n" + String(repeating: "a", count: 200_000))
            holders.append(c)
        }
        try await Task.sleep(for: .milliseconds(400))
        // A third does not fit: refused at once, not after its deadline.
        let refused = try RawClient(port: port)
        defer { refused.close() }
        let size = Int.random(in: 120_000...290_000, using: &rng)
        try? refused.send("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(size)\r\n\r\n" + String(repeating: "b", count: size))
        let r = try refused.response()
        #expect(r.status == 503)
        #expect(r.headers["retry-after"] == "1")
        // Reads (no body) are still answered meanwhile.
        #expect(try timedNormalRequest(port: port).status == 200)
        for c in holders { c.close() }
        try await Task.sleep(for: .milliseconds(400))
        // The bytes are back: full-size bodies fit again, one after another (each given back with its answer).
        for _ in 0..<4 {
            let c = try RawClient(port: port)
            defer { c.close() }
            try c.send("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 290000\r\n\r\n" + String(repeating: "c", count: 290_000))
            #expect(try c.response().status != 503)
        }
    }
}
