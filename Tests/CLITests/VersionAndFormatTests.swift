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
