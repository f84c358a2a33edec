import Foundation
import Testing

/// `tracker ui` through the binary: loopback unless told otherwise, clear errors, serving.
@Suite("tracker ui command")
struct UICommandTests {
    @Test("a non-loopback host needs --allow-remote; a missing store is an error")
    func refusals() throws {
        let tmp = TempDir()
        try Fixture.build(at: tmp.path("t.db"))
        let remote = try CLI.run(["ui", "--db", tmp.path("t.db"), "--host", "0.0.0.0"])
        #expect(remote.status == 2)
        #expect(remote.stderr.contains("--allow-remote"))
        let badName = try CLI.run(["ui", "--db", tmp.path("t.db"), "--host", "0.0.0.0", "--allow-remote", "http://x/"])
        #expect(badName.status == 2)
        #expect(badName.stderr.contains("not a host name"))
        let missing = try CLI.run(["ui", "--db", tmp.path("none.db")])
        #expect(missing.status == 1)
        #expect(!FileManager.default.fileExists(atPath: tmp.path("none.db")), "the UI never creates a store")
    }

    @Test("tracker ui --port 0 serves on a free loopback port, says where, and stops on SIGTERM")
    func serves() throws {
        let tmp = TempDir()
        try Fixture.build(at: tmp.path("t.db"))
        let p = try CLI.start(["ui", "--db", tmp.path("t.db"), "--port", "0"])
        defer { if p.process.isRunning { p.process.terminate(); p.process.waitUntilExit() } }
        var line = ""
        #expect(waitForLine(p.stderr, timeout: 30) { if $0.contains("serving") { line = $0; return true }; return false })
        #expect(line.contains("http://127.0.0.1:"))
        let start = Date()
        p.process.terminate()
        p.process.waitUntilExit()
        #expect(p.process.terminationStatus == 128 + SIGTERM)
        #expect(Date().timeIntervalSince(start) < 5, "an idle server stops at once")
    }
}
