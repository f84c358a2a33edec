import Testing
import TrackerUI

@Suite("UI requests and server options")
struct UIRequestTests {
    @Test("a request target is split into decoded segments and repeated query values")
    func parse() {
        let r = UIRequest(target: "/api/runs/ab12/metrics/val%20acc?run=a&run=b&where=params.lr+%3E+0.1&empty=")
        #expect(r.segments == ["api", "runs", "ab12", "metrics", "val acc"])
        #expect(r.query["run"] == ["a", "b"])
        #expect(r.value("where") == "params.lr > 0.1")
        #expect(r.value("empty") == nil)
        #expect(UIRequest(target: "/").segments.isEmpty)
    }

    @Test("only loopback hosts count as loopback")
    func loopback() {
        for h in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"] { #expect(UIServer.isLoopback(h), "\(h)") }
        for h in ["0.0.0.0", "192.168.1.4", "example.com", "::"] { #expect(!UIServer.isLoopback(h), "\(h)") }
    }
}
