import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import TrackerUI

/// What an attacker (or a broken client) can send the server, over real sockets: slow and
/// silent connections, numbers out of every range, deep and long filters, foreign `Host`
/// names, oversized heads and bodies. Each case asserts a clear 4xx and that a normal request
/// right afterwards is answered within a second. Serialized: the floods would otherwise
/// slow the other cases' timing checks.
@Suite("Hostile input to the web server", .serialized)
struct HostileInputTests {
    @Test("100 clients dribbling a byte every 100 ms: 408 at the 1 s deadline though they keep sending; others answered within 1 s")
    func slowClients() async throws {
        let port = try await HostileServer.shared.port()
        let request = Array("GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: \(String(repeating: "a", count: 200))\r\n\r\n".utf8)
        let clients = try (0..<100).map { _ in try RawClient(port: port) }
        defer { for c in clients { c.close() } }
        var slowest = 0.0
        for tick in 0..<15 {  // 1.5 s: past the deadline, still sending
            for c in clients { try? c.sendBytes([request[tick]]) }
            if tick % 3 == 1 {
                let normal = try timedNormalRequest(port: port)
                #expect(normal.status == 200)
                slowest = max(slowest, normal.seconds)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(slowest < 1, "a normal request took \(slowest) s among 100 slow clients")
        for c in clients {
            let r = try c.response()
            #expect(r.status == 408)
            #expect(String(decoding: r.body, as: UTF8.self).contains("did not arrive within 1 s"))
        }
        #expect(try timedNormalRequest(port: port).seconds < 1)
    }

    @Test("100 silent connections do not delay a normal request and are closed after the idle timeout")
    func silentFlood() async throws {
        let port = try await HostileServer.shared.port()
        let silent = try (0..<100).map { _ in try RawClient(port: port, timeout: 3) }
        defer { for c in silent { c.close() } }
        let normal = try timedNormalRequest(port: port, path: "/")
        #expect(normal.status == 200)
        #expect(normal.seconds < 1, "a normal request took \(normal.seconds) s beside 100 silent connections")
        let start = ContinuousClock.now
        for c in silent { #expect(c.closedByServer(), "closed without a response") }
        #expect(ContinuousClock.now - start < .seconds(2.5), "idle connections are closed after about 1 s")
    }

    @Test("at the connection limit the idle connections are closed to make room for a new one")
    func connectionLimit() async throws {
        var limits = HostileServer.shortLimits
        limits.maxConnections = 8
        limits.idleTimeout = .seconds(30)
        let port = try await HostileServer.shared.port("limit8", limits: limits)
        let idle = try (0..<8).map { _ in try RawClient(port: port, timeout: 0.5) }
        defer { for c in idle { c.close() } }
        try await Task.sleep(for: .milliseconds(100))
        // Five clients that stay connected (keep-alive): each new one closes the longest-idle silent one.
        var kept: [RawClient] = []
        defer { for c in kept { c.close() } }
        for _ in 0..<5 {
            let start = ContinuousClock.now
            let c = try RawClient(port: port)
            kept.append(c)
            #expect(try HostileInputTests.get(c, "/api/experiments").status == 200)
            #expect(ContinuousClock.now - start < .seconds(1))
            try await Task.sleep(for: .milliseconds(20))
        }
        for (i, c) in idle.enumerated() {
            #expect(c.closedByServer() == (i < 5), "silent connection \(i) (the five oldest make room)")
        }
        // With every slot answering or kept, a further client is still answered: idle keep-alive ones give way.
        #expect(try timedNormalRequest(port: port).status == 200)
    }

    @Test("huge, negative and garbage numbers in every query parameter of every route are a clear 400; valid ones work")
    func numbers() async throws {
        let port = try await HostileServer.shared.port()
        let f = try await UIFixture.shared.get()
        let routes: [(path: String, name: String, range: ClosedRange<Int>)] = [
            ("/", "limit", 0...100_000), ("/runs", "limit", 0...100_000), ("/api/runs", "limit", 0...100_000),
            ("/api/runs/\(f.longRun)/metrics/spiky", "points", 0...1_000_000),
        ]
        var rng = SeededGenerator(seed: 12)
        let fixed = ["9223372036854775807", "9223372036854775808", "-9223372036854775808", "-1", "-0x10", "1e9", "1.5", "abc", "0x10",
                     "99999999999999999999999999999999", "１２", "1_000", "+5", "%00", "1000001"]
        let c = try RawClient(port: port)
        defer { c.close() }
        for route in routes {
            var inputs = fixed
            for _ in 0..<40 {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: inputs.append(String(Int.random(in: Int.min ... -1, using: &rng)))
                case 1: inputs.append(String(UInt64.random(in: UInt64(route.range.upperBound) + 1 ... UInt64.max, using: &rng)))
                case 2: inputs.append(String(repeating: "9", count: Int.random(in: 19...300, using: &rng)))
                default: inputs.append(HostileInputTests.garbage(&rng))
                }
            }
            for input in inputs {
                let r = try HostileInputTests.get(c, "\(route.path)?\(route.name)=\(HostileInputTests.percent(input))")
                #expect(r.status == 400, "\(route.path)?\(route.name)=\(input) → \(r.status)")
                let text = String(decoding: r.body, as: UTF8.self)
                #expect(text.contains("\(route.name) must be a whole number from \(route.range.lowerBound) to \(route.range.upperBound)"), "\(text)")
            }
            for _ in 0..<5 {
                let n = Int.random(in: 0...min(route.range.upperBound, 3000), using: &rng)
                #expect(try HostileInputTests.get(c, "\(route.path)?\(route.name)=\(n)").status == 200, "\(route.path)?\(route.name)=\(n)")
            }
            #expect(try HostileInputTests.get(c, "\(route.path)?\(route.name)=\(route.range.upperBound)").status == 200)
        }
        #expect(try timedNormalRequest(port: port).seconds < 1)
    }

    @Test("deep, long and random filters in where are answered (400 with a message when refused), never a crash")
    func filters() async throws {
        let port = try await HostileServer.shared.port()
        var rng = SeededGenerator(seed: 7)
        var filters: [String] = []
        for depth in [10, 100, 300, 1000, 3000] {
            filters.append(String(repeating: "(", count: depth) + "status = 'finished'" + String(repeating: ")", count: depth))
            filters.append(String(repeating: "(", count: depth))
            filters.append(String(repeating: "not ", count: depth) + "status = 'finished'")
        }
        for terms in [10, 100, 400] {
            filters.append((0..<terms).map { "params.p\($0) = \($0)" }.joined(separator: " and "))
            filters.append((0..<terms).map { "metrics.m > \($0)" }.joined(separator: " or "))
            filters.append("params.x in (" + (0..<terms).map(String.init).joined(separator: ", ") + ")")
        }
        let atoms = ["(", ")", "and", "or", "not", "=", "!=", ">", "'", "\"", "params.a", "metrics.b", "status", "in", "like", "1e999",
                     "-9223372036854775809", ",", "%", "\\", "\u{0}"]
        for _ in 0..<60 {
            filters.append((0..<Int.random(in: 1...200, using: &rng)).map { _ in atoms.randomElement(using: &rng) ?? "(" }.joined(separator: " "))
        }
        let c = try RawClient(port: port)
        defer { c.close() }
        for filter in filters {
            for route in ["/", "/api/runs", "/compare"] {
                let r = try HostileInputTests.get(c, "\(route)?where=\(HostileInputTests.percent(filter))")
                #expect(r.status == 200 || r.status == 400, "\(route) where=\(filter.prefix(80)) → \(r.status)")
                let text = String(decoding: r.body, as: UTF8.self)
                if r.status == 400 { #expect(text.contains("filter"), "\(route): a 400 names the filter: \(text.prefix(200))") }
                #expect(!text.contains("SELECT") && !text.contains("SQLite"), "\(route): no SQL in the answer")
            }
        }
        // Longer than 8 KiB: refused before the parser.
        let long = String(repeating: "params.a = 1 and ", count: 600) + "params.a = 1"
        for route in ["/", "/api/runs", "/compare"] {
            let r = try HostileInputTests.get(c, "\(route)?where=\(HostileInputTests.percent(long))")
            #expect(r.status == 400)
            #expect(String(decoding: r.body, as: UTF8.self).contains("longer than 8192 bytes"))
        }
        #expect(try timedNormalRequest(port: port).seconds < 1)
    }

    @Test("a foreign Host is refused with 421, a missing or repeated one with 400; loopback names are answered")
    func hosts() async throws {
        let port = try await HostileServer.shared.port()
        var rng = SeededGenerator(seed: 5)
        var foreign = ["attacker.example", "attacker.example:\(port)", "127.0.0.1.attacker.example", "localhost.attacker.example",
                       "127.0.0.2", "[::2]", "0.0.0.0", "localhost:abc", "localhost:123456", "[::1", "::1", "local host", "",
                       "localhost, attacker.example", "xn--lcalhost-7ya"]
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789-.:[]")
        for _ in 0..<40 {
            foreign.append(String((0..<Int.random(in: 1...30, using: &rng)).map { _ in letters.randomElement(using: &rng) ?? "a" }))
        }
        for host in foreign where !HostPolicy.loopback.allows(host) {
            let c = try RawClient(port: port)
            defer { c.close() }
            try c.send("GET /api/runs HTTP/1.1\r\nHost: \(host)\r\n\r\n")
            let r = try c.response()
            #expect(r.status == 421 || r.status == 400, "Host: \(host) → \(r.status)")
            #expect(!String(decoding: r.body, as: UTF8.self).contains("\"id\""), "no store data for Host: \(host)")
        }
        let refused = try RawClient(port: port)
        defer { refused.close() }
        try refused.send("GET /api/runs HTTP/1.1\r\nHost: attacker.example\r\n\r\n")
        let r = try refused.response()
        #expect(r.status == 421)
        #expect(String(decoding: r.body, as: UTF8.self).contains("does not answer for host 'attacker.example'"))
        for head in ["GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.0\r\n\r\n", "GET / HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n"] {
            let c = try RawClient(port: port)
            defer { c.close() }
            try c.send(head)
            #expect(try c.response().status == 400, "\(head.debugDescription)")
        }
        for host in ["localhost", "LOCALHOST:\(port)", "127.0.0.1", "127.0.0.1:\(port)", "[::1]", "[::1]:\(port)"] {
            let c = try RawClient(port: port)
            defer { c.close() }
            try c.send("GET /api/experiments HTTP/1.1\r\nHost: \(host)\r\n\r\n")
            #expect(try c.response().status == 200, "Host: \(host)")
        }
        #expect(try timedNormalRequest(port: port).seconds < 1)
    }

    @Test("names given to --allow-remote are answered besides loopback; malformed names are refused")
    func allowRemote() async throws {
        let policy = try HostPolicy(allowing: ["Tracker.LAN", "10.0.0.5", "fe80::1"])
        #expect(policy.allows("tracker.lan:5173") && policy.allows("10.0.0.5") && policy.allows("[fe80::1]:80") && policy.allows("localhost"))
        #expect(!policy.allows("other.lan") && !policy.allows("10.0.0.6"))
        for bad in ["http://x", "a/b", "a b", "x:80", "<script>"] { #expect(throws: HostPolicyError.self) { try HostPolicy(allowing: [bad]) } }
        let port = try await HostileServer.shared.port("remote", hosts: policy)
        let c = try RawClient(port: port)
        defer { c.close() }
        #expect(try HostileInputTests.get(c, "/api/experiments", host: "tracker.lan:\(port)").status == 200)
        #expect(try HostileInputTests.get(c, "/api/experiments", host: "evil.lan").status == 421)
    }

    @Test("oversized heads, too many headers and oversized bodies are 431 and 413; a normal request follows within 1 s")
    func oversized() async throws {
        let port = try await HostileServer.shared.port()
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<6 {
            let c = try RawClient(port: port)
            defer { c.close() }
            let size = Int.random(in: 66_000...300_000, using: &rng)
            let target = Bool.random(using: &rng) ? "/?x=" + String(repeating: "a", count: size) : "/"
            let pad = target == "/" ? "X-Pad: " + String(repeating: "b", count: size) + "\r\n" : ""
            try? c.send("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(pad)\r\n")
            #expect(try c.response().status == 431, "a \(size)-byte head")
        }
        let many = try RawClient(port: port)
        defer { many.close() }
        try many.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (0..<2000).map { "X-\($0): v\r\n" }.joined() + "\r\n")
        #expect(try many.response().status == 431)
        for length in [65_537, 10_000_000, Int.max] {
            let c = try RawClient(port: port)
            defer { c.close() }
            try c.send("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(length)\r\n\r\n" + String(repeating: "z", count: 1000))
            let r = try c.response()
            #expect(r.status == 413, "Content-Length: \(length) → \(r.status)")
            #expect(r.headers["connection"] == "close")
        }
        let tooLong = try RawClient(port: port)
        defer { tooLong.close() }
        try tooLong.send("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999999999999\r\n\r\n")
        #expect([400, 413].contains(try tooLong.response().status))
        #expect(try timedNormalRequest(port: port).seconds < 1)
    }

    // MARK: helpers

    static func get(_ c: RawClient, _ target: String, host: String = "127.0.0.1") throws -> RawResponse {
        try c.send("GET \(target) HTTP/1.1\r\nHost: \(host)\r\n\r\n")
        return try c.response()
    }

    /// Percent-encodes everything but unreserved characters.
    static func percent(_ s: String) -> String {
        s.utf8.map { b -> String in
            let unreserved = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
            return unreserved ? String(UnicodeScalar(b)) : String(format: "%%%02X", b)
        }.joined()
    }

    /// A random short string of printable and control characters, never plain digits.
    static func garbage(_ rng: inout SeededGenerator) -> String {
        let pool = Array("0123456789-+.eExX_ ,;abc%\u{0}\u{7f}é∞")
        while true {
            let s = String((0..<Int.random(in: 1...24, using: &rng)).map { _ in pool.randomElement(using: &rng) ?? "x" })
            let t = s.trimmingCharacters(in: .whitespaces)
            if !t.isEmpty && !t.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) { return s }
        }
    }
}
