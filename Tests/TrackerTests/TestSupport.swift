import Foundation
import Testing
@testable import Tracker

/// The store backends a test runs on: SQLite always, PostgreSQL when `TRACKER_TEST_PG` holds
/// a server URL (`scripts/pg-test-server.sh start` prints one; scripts/test.sh exports it).
enum TestBackend: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var all: [TestBackend] { adminURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// A URL of a database on the test server that tests may create databases from.
    static let adminURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["TRACKER_TEST_PG"], !url.isEmpty else { return nil }
        return url
    }()

    var testDescription: String { rawValue }
}

/// A fresh temporary directory, removed when the value is released; for the PostgreSQL
/// backend, `store(_:)` also creates one fresh database per name (`t_<random>`), dropped
/// (even with connections left open) when the value is released.
final class TempDir {
    let url: URL
    let backend: TestBackend
    private var databases: [String: String] = [:]

    init(_ backend: TestBackend = .sqlite) {
        self.backend = backend
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
        guard !databases.isEmpty, let admin = TestBackend.adminURL, let pg = try? PGConnection(url: admin, readOnly: false) else { return }
        for name in databases.values { try? pg.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Where the test's store called `name` lives: a file in the folder (SQLite), or the URL
    /// of a fresh empty database (PostgreSQL).
    func store(_ name: String) -> String {
        guard backend == .postgres, let admin = TestBackend.adminURL else { return path(name) }
        if let existing = databases[name] { return TempDir.url(admin, database: existing) }
        let database = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        do {
            let pg = try PGConnection(url: admin, readOnly: false)
            try pg.execute("CREATE DATABASE \(database) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
        } catch {
            Issue.record("cannot create the test database \(database) on \(StoreLocation.redacted(admin)): \(error)")
        }
        databases[name] = database
        return TempDir.url(admin, database: database)
    }

    /// `admin` with its database (the path after host:port) replaced.
    static func url(_ admin: String, database: String) -> String {
        let query = admin.firstIndex(of: "?").map { String(admin[$0...]) } ?? ""
        let base = admin.firstIndex(of: "?").map { String(admin[..<$0]) } ?? admin
        guard let scheme = base.range(of: "://") else { return base + "/" + database }
        let rest = base[scheme.upperBound...]
        let authority = rest.firstIndex(of: "/").map { rest[..<$0] } ?? rest
        return String(base[..<scheme.upperBound]) + authority + "/" + database + query
    }
}

func sampleStart(_ name: String = "run", experiment: String = "exp", seed: UInt64 = 7) -> RunStart {
    RunStart(experiment: experiment, name: name,
             config: .object(["optimizer": .object(["lr": .double(0.001), "name": .string("adam")]), "epochs": .int(3), "dropout": .double(0.5)]),
             seed: seed, environment: .object(["os": .string("linux")]))
}

/// The store's tables and their columns in order, from sqlite_schema / pragma_table_info, or
/// PostgreSQL's information_schema: tests compare schemas on either backend.
enum TestSchema {
    static func tables(_ db: Connection) throws -> [String] {
        if db.isPostgres {
            return try db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name") { $0.text(0) }
        }
        return try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name") { $0.text(0) }
    }

    static func columns(_ db: Connection, _ table: String) throws -> [String] {
        if db.isPostgres {
            return try db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position", [.text(table)]) { $0.text(0) }
        }
        return try db.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]) { $0.text(0) }
    }
}
