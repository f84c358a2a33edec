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

    @Test("the PostgreSQL migrations equal the files in migrations/postgresql/, with the versions and names of migrations/")
    func embeddedPostgresEqualsFiles() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("migrations/postgresql")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.count == Migration.embeddedPostgres.count)
        for (file, m) in zip(files, Migration.embeddedPostgres) {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            let expected = text.hasSuffix("\n") ? String(text.dropLast()) : text
            #expect(file == String(format: "%04d_%@.sql", m.version, m.name))
            #expect(m.sql == expected, "\(file) differs from the embedded copy: run scripts/embed-migrations.sh")
        }
        #expect(Migration.embeddedPostgres.map(\.version) == Migration.embedded.map(\.version))
        #expect(Migration.embeddedPostgres.map(\.name) == Migration.embedded.map(\.name))
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
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for readOnly in [false, true] {
            #expect(throws: TrackerError.migrationChanged(path: path, version: 1, name: Migration.embedded[0].name)) {
                _ = try Store(path: path, readOnly: readOnly)
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "refused without a byte changed, header included")
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

    static let parentAndChildren = Migration(version: 1, name: "parent", sql: """
        CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE);
        INSERT INTO parent (id, name) VALUES (1, 'a'), (2, 'b');
        INSERT INTO child (parent_id) VALUES (1), (1), (2);
        """)

    @Test("a migration that rebuilds a parent table (SQLite's 12 steps) keeps the rows that reference it")
    func rebuildKeepsChildren() throws {
        let tmp = TempDir()
        let db = try Connection(path: tmp.path("t.db"), mode: .readWrite)
        let rebuild = Migration(version: 2, name: "rebuild_parent", sql: """
            CREATE TABLE new_parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT);
            INSERT INTO new_parent (id, name) SELECT id, name FROM parent;
            DROP TABLE parent;
            ALTER TABLE new_parent RENAME TO parent;
            """)
        let applied = try Migrator.migrate(db, migrations: [MigrationTests.parentAndChildren, rebuild])
        #expect(applied.map(\.version) == [1, 2])
        #expect(try db.first("SELECT count(*) FROM child", []) { $0.int(0) } == 3)
        #expect(try db.first("PRAGMA foreign_keys", []) { $0.int(0) } == 1, "foreign keys are back on after migrating")
        #expect(try Migrator.migrate(db, migrations: [MigrationTests.parentAndChildren, rebuild]).isEmpty)
    }

    @Test("a migration that leaves a dangling foreign key is rolled back with a clear error")
    func danglingForeignKeyRollsBack() throws {
        let tmp = TempDir()
        let db = try Connection(path: tmp.path("t.db"), mode: .readWrite)
        try Migrator.migrate(db, migrations: [MigrationTests.parentAndChildren])
        let orphaning = Migration(version: 2, name: "drop_parent_b", sql: "DELETE FROM parent WHERE id = 2; CREATE TABLE marker (x);")
        #expect {
            try Migrator.migrate(db, migrations: [MigrationTests.parentAndChildren, orphaning])
        } throws: { error in
            guard case TrackerError.migrationFailed(2, "drop_parent_b", let reason) = error else { return false }
            return reason.contains("child") && reason.contains("missing parent")
        }
        #expect(try Migrator.appliedMigrations(db).map(\.version) == [1])
        #expect(try db.first("SELECT count(*) FROM parent", []) { $0.int(0) } == 2, "the delete was rolled back")
        #expect(try db.first("SELECT 1 FROM sqlite_schema WHERE name = 'marker'", []) { _ in true } == nil)
        #expect(try db.first("PRAGMA foreign_keys", []) { $0.int(0) } == 1)
    }

    @Test("a store lacking a migration readers need is refused with `tracker migrate`")
    func readersNeedMigration() throws {
        let tmp = TempDir()
        let path = tmp.path("t.db")
        let db = try Connection(path: path, mode: .readWrite)
        try Migrator.migrate(db, migrations: [MigrationTests.parentAndChildren])
        // A version past every shipped one: those after 1 (2 to 6) are ones readers can do without.
        let version = (Migration.embedded.map(\.version).max() ?? 0) + 1
        #expect(!Migrator.optionalForReaders.contains(version))
        let later = Migration(version: version, name: "needed", sql: "CREATE TABLE needed (x);")
        #expect(throws: TrackerError.needsMigration(path: path, version: version, name: "needed")) {
            try Migrator.verify(db, migrations: [MigrationTests.parentAndChildren, later])
        }
        let message = TrackerError.needsMigration(path: path, version: version, name: "needed").errorDescription ?? ""
        #expect(message.contains("tracker migrate"))
    }
}
