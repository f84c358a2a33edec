import Foundation
import Testing
@testable import Tracker

/// Errors for people by default, SQLite's own words with `--verbose`.
@Suite("CLI: --verbose shows the technical detail, only then")
struct VerboseCLITests {
    @Test("an SQLite failure prints a user message; --verbose adds the SQLite code, message and statement")
    func sqliteDetail() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let runs = try Fixture.build(at: db)
        // A store with a table gone: the next tag write fails inside SQLite.
        try Store(path: db).db.execute("DROP TABLE tags")
        let plain = try CLI.run(["tag", runs.dropout, "k=v", "--db", db])
        #expect(plain.status == 1)
        #expect(plain.stderr.hasPrefix("error: the database could not carry out the request"), "\(plain.stderr)")
        for leak in ["SQLite error", "no such table", "INSERT", "detail:"] { #expect(!plain.stderr.contains(leak), "\(plain.stderr)") }
        for args in [["--verbose", "tag", runs.dropout, "k=v", "--db", db], ["tag", runs.dropout, "k=v", "--db", db, "--verbose"]] {
            let verbose = try CLI.run(args)
            #expect(verbose.status == 1)
            #expect(verbose.stderr.hasPrefix("error: the database could not carry out the request"), "\(verbose.stderr)")
            #expect(verbose.stderr.contains("detail: SQLite error 1: no such table: tags") && verbose.stderr.contains("INSERT"), "\(verbose.stderr)")
        }
        // After `--`, `--verbose` is an argument, not the flag.
        #expect(try CLI.run(["tag", "--db", db, "--", "--verbose"]).status != 0)
    }

    @Test("help mentions --verbose")
    func help() throws {
        let r = try CLI.run(["--help"])
        #expect(r.stdout.contains("--verbose"), "\(r.stdout)")
    }
}
