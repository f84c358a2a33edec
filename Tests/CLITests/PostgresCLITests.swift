import Foundation
import Testing
@testable import Tracker

/// PostgreSQL stores that cannot be used, through the binary: the message says what the
/// user got wrong (libpq's own words only with --verbose), never the password; exit 1, and
/// nothing is created or changed.
@Suite("PostgreSQL stores that cannot be used, through the binary")
struct PostgresCLITests {
    /// `url` with its user and password replaced (and nothing else).
    static func with(_ url: String, user: String, password: String?) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let host = rest.firstIndex(of: "@").map { rest.index(after: $0) } ?? rest.startIndex
        return String(url[..<scheme.upperBound]) + user + (password.map { ":" + $0 } ?? "") + "@" + rest[host...]
    }

    /// Checks a refused command: exit 1, one `error:` line starting with `expected`, no
    /// `secret` anywhere, libpq's text only in the `detail:` line of `--verbose`.
    func expectRefused(_ r: CLI.Result, _ expected: String, secret: String?, verbose: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("error: cannot open the database '") || r.stderr.hasPrefix("error: '") || r.stderr.hasPrefix("error: no tracker store"),
                "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(expected), "wanted '\(expected)' in: \(r.stderr)", sourceLocation: sourceLocation)
        if let secret { #expect(!r.stderr.contains(secret) && !r.stdout.contains(secret), "the password shows: \(r.stderr)", sourceLocation: sourceLocation) }
        let message = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(!message.contains("connection to server") && !message.contains("FATAL"), "libpq's internals in the message: \(message)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains("\ndetail: libpq: ") == verbose, "the detail only with --verbose: \(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test("a server that is down: every kind of command exits 1 saying no server answers at that host and port, without the password; --verbose adds libpq's words")
    func serverDown() throws {
        let tmp = TempDir()
        let config = try Configs.write(AgentConfigs.sweep12, to: tmp)
        let url = "postgresql://alice:Topsecret42@127.0.0.1:1/team"
        for args in [["runs"], ["sweep", "status"], ["sweep", "submit", config], ["agent", "--until-empty"], ["migrate"]] {
            expectRefused(try CLI.run(args + ["--db", url]), "no PostgreSQL server answers at 127.0.0.1 port 1; start it or fix the host and port in the URL", secret: "Topsecret42")
        }
        let verbose = try CLI.run(["runs", "--db", url, "--verbose"])
        expectRefused(verbose, "postgresql://alice:***@127.0.0.1:1/team", secret: "Topsecret42", verbose: true)
        #expect(verbose.stderr.contains("Connection refused"), "\(verbose.stderr)")
        let env = try CLI.run(["runs"], environment: ["TRACKER_DB": url])
        expectRefused(env, "no PostgreSQL server answers", secret: "Topsecret42")
    }

    @Test("seeded mutations of a URL after its user info (hostile characters in the host, port, path and query): never a crash, a clear error, the password never shown")
    func mutatedURLs() throws {
        let base = "postgresql://alice:Qz7hush7Qz@127.0.0.1:1/team"
        let hostile = Array("@:/?#&=%[]\\ '\"é٣;,*+").map(String.init) + ["%zz", "%00", "?foo=bar", "?sslmode=nope", ":99999", ":x", "[::1", "?password=Qz7hush7Qz%zz"]
        var rng = SplitMix64(state: 0xc11_0bad)
        // An argument cannot hold a NUL (execve's strings end there): the library test has those.
        let userInfo = base.distance(from: base.startIndex, to: try #require(base.range(of: "@")).upperBound)
        for i in 0..<16 {
            var url = base
            for _ in 0..<(1 + rng.below(3)) {
                let start = url.index(url.startIndex, offsetBy: userInfo)
                let at = url.index(start, offsetBy: rng.below(url.distance(from: start, to: url.endIndex) + 1))
                let piece = hostile[rng.below(hostile.count)]
                if rng.below(4) == 0, at < url.endIndex { url.remove(at: at) } else { url.insert(contentsOf: piece, at: at) }
            }
            let verbose = i % 4 == 3
            let r = try CLI.run((i % 2 == 0 ? ["runs"] : ["agent", "--until-empty"]) + ["--db", url] + (verbose ? ["--verbose"] : []))
            #expect(r.status == 1, "\(url): exit \(r.status) \(r.stderr)")
            #expect(r.stderr.hasPrefix("error: cannot open the database '"), "\(url): \(r.stderr)")
            #expect(!r.stderr.contains("hush"), "\(url): the password shows: \(r.stderr)")
            let message = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(!message.contains("connection to server") && !message.contains("FATAL"), "\(url): \(message)")
            #expect(r.stderr.contains("\ndetail: libpq: ") == verbose, "\(url): \(r.stderr)")
        }
    }

    @Test("a wrong password: exit 1, says the server refused the password for that user, the password masked; the right one gets in and finds nothing created",
          .enabled(if: TestDatabase.admin != nil, "needs TRACKER_TEST_PG"))
    func wrongPassword() throws {
        let admin = try #require(TestDatabase.admin)
        let database = try TestDatabase()
        var rng = SplitMix64(state: 0xc11_9a55)
        let password = "Right" + String(rng.next(), radix: 36)
        let pg = try PGConnection(url: admin, readOnly: false)
        // scripts/pg-test-server.sh makes this role give its password (scram-sha-256).
        try pg.execute("DROP ROLE IF EXISTS tracker_pw_cli; CREATE ROLE tracker_pw_cli LOGIN PASSWORD '\(password)'")
        defer { try? pg.execute("DROP ROLE IF EXISTS tracker_pw_cli") }
        let tmp = TempDir()
        let config = try Configs.write(AgentConfigs.sweep12, to: tmp)
        let wrong = "Wrong" + String(rng.next(), radix: 36)
        let url = Self.with(database.url, user: "tracker_pw_cli", password: wrong)
        for args in [["runs"], ["sweep", "submit", config], ["agent", "--until-empty"]] {
            expectRefused(try CLI.run(args + ["--db", url]), "the server refused the password for user 'tracker_pw_cli'; check the password in the URL", secret: wrong)
        }
        let verbose = try CLI.run(["runs", "--db", url, "--verbose"])
        expectRefused(verbose, "tracker_pw_cli:***@", secret: wrong, verbose: true)
        #expect(verbose.stderr.contains("password authentication failed"), "\(verbose.stderr)")
        let none = try CLI.run(["runs", "--db", Self.with(database.url, user: "tracker_pw_cli", password: nil)])
        expectRefused(none, "the server asks for a password and none was given", secret: nil)

        let right = try CLI.run(["runs", "--db", Self.with(database.url, user: "tracker_pw_cli", password: password)])
        expectRefused(right, "no tracker store", secret: password)
        #expect(try Connection(path: database.url, mode: .readOnly).tableExists("runs") == false, "nothing was created")
    }

    @Test("another application's PostgreSQL database: reading, submitting, agents and migrate refuse it naming its tables, and leave it as it was; an unknown database is named",
          .enabled(if: TestDatabase.admin != nil, "needs TRACKER_TEST_PG"))
    func foreignDatabase() throws {
        let database = try TestDatabase()
        let app = try Connection(path: database.url, mode: .readWrite)
        try app.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'ada'), (2, 'grace'); CREATE TABLE orders (id BIGINT)")
        let tmp = TempDir()
        let config = try Configs.write(AgentConfigs.sweep12, to: tmp)
        for args in [["runs"], ["sweep", "submit", config], ["agent", "--until-empty"], ["migrate"], ["train", config]] {
            let r = try CLI.run(args + ["--db", database.url])
            expectRefused(r, "is a PostgreSQL database of another application (2 tables: customers, orders; no tracker migrations table)", secret: nil)
            #expect(r.stderr.contains("It was left untouched"), "\(r.stderr)")
        }
        let tables = try app.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name") { $0.text(0) }
        #expect(tables == ["customers", "orders"], "nothing was created: \(tables)")
        #expect(try app.first("SELECT string_agg(name, ',' ORDER BY id) FROM customers") { $0.text(0) } == "ada,grace")

        let slash = try #require(database.url.range(of: "/", options: .backwards))
        let unknown = String(database.url[..<slash.lowerBound]) + "/t_no_such_database"
        expectRefused(try CLI.run(["sweep", "submit", config, "--db", unknown]),
                      "the database 't_no_such_database' does not exist on the server; create it first (createdb t_no_such_database)", secret: nil)
    }
}
