import Foundation
import Testing
@testable import Tracker

@Suite("Migrations")
struct MigrationTests {
    @Test("the embedded SQL equals the files in migrations/")
    func embeddedEqualsFiles() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.count == Migration.embedded.count)
        for (file, m) in zip(files, Migration.embedded) {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            let expected = text.hasSuffix("\n") ? String(text.dropLast()) : text
            #expect(file == String(format: "%04d_%@.sql", m.version, m.name))
            #expect(m.sql == expected, "\(file) differs from the embedded copy: run scripts/embed-migrations.sh")
        }
        #expect(Migration.embedded.map(\.version) == Array(1...Migration.embedded.count))
    }

    @Test("a fresh file gets every migration with its checksum; re-opening is a no-op")
    func freshAndReopen() throws {
        let tmp = TempDir()
        let path = tmp.path("t.db")
        let store = try Store(path: path)
        #expect(try store.schemaVersion() == Store.supportedSchemaVersion)
        let applied = try Migrator.appliedMigrations(store.db)
        #expect(applied.map(\.checksum) == Migration.embedded.map(\.checksum))
        let mode = try store.db.first("PRAGMA journal_mode") { $0.text(0) }
        #expect(mode == "wal")
        let fk = try store.db.first("PRAGMA foreign_keys") { $0.int(0) }
        #expect(fk == 1)
        let changesBefore = try store.db.first("PRAGMA data_version") { $0.int(0) }
        let again = try Store(path: path)
        #expect(try Migrator.appliedMigrations(again.db).count == applied.count)
        let changesAfter = try store.db.first("PRAGMA data_version") { $0.int(0) }
        #expect(changesBefore == changesAfter, "re-opening must not write")
    }

    @Test("a database newer than the binary is refused and left untouched")
    func tooNew() throws {
        let tmp = TempDir()
        let path = tmp.path("t.db")
        do {
            let store = try Store(path: path)
            try store.db.run("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', 0)")
            try store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: TrackerError.databaseTooNew(path: path, version: 999, supported: Store.supportedSchemaVersion)) {
            _ = try Store(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("an applied migration whose text changed is refused")
    func editedMigration() throws {
        let tmp = TempDir()
        let path = tmp.path("t.db")
        do {
            let store = try Store(path: path)
            try store.db.run("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        }
        #expect(throws: TrackerError.migrationChanged(path: path, version: 1, name: Migration.embedded[0].name)) {
            _ = try Store(path: path)
        }
    }

    @Test("a failing migration rolls back with its bookkeeping row")
    func failingMigrationRollsBack() throws {
        let tmp = TempDir()
        let db = try Connection(path: tmp.path("t.db"), mode: .readWrite)
        let good = Migration(version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER);")
        let bad = Migration(version: 2, name: "two", sql: "CREATE TABLE b (y INTEGER); CREATE TABLE a (x INTEGER);")
        #expect(throws: TrackerError.self) { try Migrator.migrate(db, migrations: [good, bad]) }
        #expect(try Migrator.appliedMigrations(db).map(\.version) == [1])
        let hasB = try db.first("SELECT 1 FROM sqlite_schema WHERE name = 'b'") { _ in true }
        #expect(hasB == nil)
    }

    @Test("a read-only open of an up-to-date file works and cannot write")
    func readOnly() throws {
        let tmp = TempDir()
        let path = tmp.path("t.db")
        _ = try Store(path: path)
        let ro = try Store(path: path, readOnly: true)
        #expect(try ro.runs().isEmpty)
        #expect(throws: (any Error).self) { _ = try ro.startRun(sampleStart()) }
    }
}
