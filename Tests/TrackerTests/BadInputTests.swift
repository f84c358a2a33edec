import Foundation
import Testing
@testable import Tracker

@Suite("Bad database files")
struct BadInputTests {
    @Test("a file that is not SQLite is refused and left untouched")
    func notSQLite() throws {
        let tmp = TempDir()
        let path = tmp.path("notes.txt")
        let content = Data(String(repeating: "these are my notes, not a database\n", count: 200).utf8)
        try content.write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try Store(path: path)
        } throws: { error in
            guard case TrackerError.notADatabase = error else { return false }
            return (error as? LocalizedError)?.errorDescription?.contains("untouched") == true
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("a truncated database is refused and left untouched")
    func truncated() throws {
        let tmp = TempDir()
        let path = tmp.path("t.db")
        do {
            let store = try Store(path: path)
            let rec = try store.startRun(sampleStart())
            rec.log(points: (0..<20_000).map { MetricPoint(key: "loss", step: $0, value: Double($0), wallTime: 0) })
            try rec.finish(.finished)
            try store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = full.prefix(full.count / 2)
        try cut.write(to: URL(fileURLWithPath: path))
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        #expect {
            _ = try Store(path: path)
        } throws: { error in
            // Caught by the header/size check ("truncated") or by SQLite's first read ("malformed").
            guard case TrackerError.notADatabase(_, let reason) = error else { return false }
            return reason.contains("truncated") || reason.contains("malformed")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == cut)
    }

    @Test("a path that cannot be written gives a clear error")
    func unwritablePath() throws {
        let tmp = TempDir()
        #expect {
            _ = try Store(path: tmp.path("no/such/dir/t.db"))
        } throws: { error in
            guard case TrackerError.cannotOpen = error else { return false }
            return true
        }
        // A read-only directory (root bypasses permissions, so only check when they apply).
        let dir = tmp.path("ro")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir) }
        if getuid() != 0 {
            #expect(throws: TrackerError.self) { _ = try Store(path: dir + "/t.db") }
        }
    }

    @Test("read-only open of a missing file says so and creates nothing")
    func missingReadOnly() throws {
        let tmp = TempDir()
        let path = tmp.path("missing.db")
        #expect(throws: TrackerError.databaseMissing(path: path)) { _ = try Store(path: path, readOnly: true) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
