import Foundation
import Testing
@testable import Tracker

@Suite("Statements refuse programming errors")
struct StatementTests {
    func database() throws -> Connection {
        let db = try Connection(path: ":memory:", mode: .readWrite)
        try db.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        return db
    }

    static func isProgrammerError(_ error: any Error) -> Bool {
        guard case TrackerError.programmerError = error else { return false }
        return (error as? LocalizedError)?.errorDescription?.contains("a bug in tracker") == true
    }

    @Test("a bound value count that differs from the placeholders is an error, for generated counts")
    func bindCounts() throws {
        let db = try database()
        var g = UInt64(0x5EED)
        for _ in 0..<40 {
            g = g &* 6364136223846793005 &+ 1442695040888963407
            let placeholders = Int(g >> 60) % 4, given = Int(g >> 56) % 4
            let sql = "SELECT " + (placeholders == 0 ? "1" : (0..<placeholders).map { _ in "?" }.joined(separator: ", "))
            let values = (0..<given).map { SQLValue.int($0) }
            if placeholders == given {
                #expect(try db.first(sql, values) { _ in true } == true)
            } else {
                #expect(performing: { _ = try db.query(sql, values) { _ in 0 } }, throws: StatementTests.isProgrammerError)
            }
        }
        #expect(performing: { try db.run("INSERT INTO t (a, b) VALUES (?, ?)", [.int(1)]) }, throws: StatementTests.isProgrammerError)
        #expect(try db.first("SELECT count(*) FROM t") { $0.int(0) } == 0, "nothing half-bound was inserted")
    }

    @Test("SQL after the first statement is refused, whitespace and comments are not")
    func trailingStatements() throws {
        let db = try database()
        for sql in ["SELECT 1; DROP TABLE t", "INSERT INTO t (a) VALUES (1); INSERT INTO t (a) VALUES (2)", "SELECT 1; garbage"] {
            #expect(performing: { _ = try db.prepare(sql) }, throws: StatementTests.isProgrammerError)
        }
        #expect(try db.first("SELECT count(*) FROM t") { $0.int(0) } == 0)
        #expect(try db.first("SELECT 1 FROM sqlite_schema WHERE name = 't'") { _ in true } == true)
        for sql in ["SELECT 1;", "SELECT 1;  \n", "SELECT 1; -- a comment", "SELECT 1; /* block */ ;"] {
            #expect(try db.first(sql) { $0.int(0) } == 1, "\(sql)")
        }
    }
}
