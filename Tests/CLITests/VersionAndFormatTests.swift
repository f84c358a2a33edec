import Foundation
import Testing
import Tracker

@Suite("Version and document formats")
struct VersionAndFormatTests {
    @Test("tracker --version prints the version and the commit the binary was built from")
    func version() throws {
        let r = try CLI.run(["--version"])
        #expect(r.status == 0, "\(r.stderr)")
        let line = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("tracker 0."), "\(line)")
        let commit = try #require(line.split(separator: " ").last).trimmingCharacters(in: CharacterSet(charactersIn: "()"))
        let hex = commit.split(separator: "+").first.map(String.init) ?? ""
        // Built inside this repository's checkout: 12 hex digits of HEAD's commit.
        #expect(hex.count == 12 && hex.allSatisfy(\.isHexDigit), "\(line)")
    }

    @Test("show and diff refuse --format csv (usage error naming the choices) instead of printing a table")
    func documentFormats() throws {
        for args in [["show", "abc", "--format", "csv"], ["diff", "abc", "def", "--format", "csv"]] {
            let r = try CLI.run(args + ["--db", "/nonexistent/never-created.db"])
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("'table'") && r.stderr.contains("'json'"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "/nonexistent/never-created.db"))
        }
    }
}

@Suite("The CLI test helpers")
struct CLISupportTests {
    @Test("run reads stdout and stderr together: a child filling the stderr pipe first does not deadlock")
    func noDeadlock() throws {
        let r = try CLI.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "head -c 300000 /dev/zero | tr '\\\\0' e >&2; echo done"])
        #expect(r.status == 0)
        #expect(r.stderr.count == 300_000)
        #expect(r.stdout == "done\n")
    }

    @Test("waitForLine gives up after its timeout even when the child stays silent")
    func waitTimesOut() throws {
        let p = try CLI.start(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "exec sleep 20"])
        defer { kill(p.process.processIdentifier, SIGKILL); p.process.waitUntilExit() }
        let start = Date()
        #expect(!waitForLine(p.stdout, timeout: 0.5) { _ in true })
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("waitForLine finds a line that arrives before the timeout")
    func waitFinds() throws {
        let p = try CLI.start(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "echo one; sleep 0.2; echo two; exec sleep 20"])
        defer { kill(p.process.processIdentifier, SIGKILL); p.process.waitUntilExit() }
        #expect(waitForLine(p.stdout, timeout: 10) { $0 == "two" })
    }
}
