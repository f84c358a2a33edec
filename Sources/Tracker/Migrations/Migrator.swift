import Foundation

/// Applies the embedded migrations in order, each in one `BEGIN IMMEDIATE` transaction
/// together with its bookkeeping row (version, name, checksum).
///
/// The write lock of `BEGIN IMMEDIATE` serialises processes that open a new file at once:
/// the second one waits, re-reads what is applied and finds nothing left to do.
enum Migrator {
    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            checksum    TEXT NOT NULL,
            applied_at  REAL NOT NULL
        )
        """

    struct Applied { let version: Int; let name: String; let checksum: String }

    /// Brings `db` up to date, or throws without changing anything when it is too new or
    /// one of its applied migrations differs from the embedded one.
    static func migrate(_ db: Connection, migrations: [Migration] = Migration.embedded) throws {
        // Fast path, no write lock: everything is already applied.
        if try pending(db, migrations).isEmpty { return }
        while true {
            let done: Bool = try db.transaction(.immediate) {
                try db.execute(bookkeeping)
                guard let next = try pending(db, migrations).first else { return true }
                do {
                    try db.execute(next.sql)
                } catch let e as SQLiteError {
                    throw TrackerError.migrationFailed(version: next.version, name: next.name, reason: e.description)
                }
                try db.run(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    [.int(next.version), .text(next.name), .text(next.checksum), .real(Date().timeIntervalSince1970)])
                return false
            }
            if done { return }
        }
    }

    /// Migrations that only add what readers can do without (version 2: metric tiles, which
    /// charts fall back from): a read-only viewer accepts a file that lacks them.
    static let optionalForReaders: Set<Int> = [2]

    /// Checks a database opened read-only: it must be migrated by a binary that knows its
    /// schema, up to the migrations readers can do without.
    static func verify(_ db: Connection, migrations: [Migration] = Migration.embedded) throws {
        let missing = try pending(db, migrations).filter { !optionalForReaders.contains($0.version) }
        if let first = missing.first {
            throw TrackerError.storage("the database '\(db.path)' lacks migration \(first.version) (\(first.name)); open it once with a read-write command (for example `tracker runs`) to upgrade it.")
        }
    }

    /// The migrations not yet applied; throws when the database is newer or was migrated differently.
    static func pending(_ db: Connection, _ migrations: [Migration]) throws -> [Migration] {
        let applied = try appliedMigrations(db)
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        let newest = migrations.map(\.version).max() ?? 0
        for a in applied {
            guard let m = known[a.version] else {
                throw TrackerError.databaseTooNew(path: db.path, version: applied.map(\.version).max() ?? a.version, supported: newest)
            }
            if m.checksum != a.checksum {
                throw TrackerError.migrationChanged(path: db.path, version: a.version, name: a.name)
            }
        }
        let done = Set(applied.map(\.version))
        return migrations.filter { !done.contains($0.version) }.sorted { $0.version < $1.version }
    }

    static func appliedMigrations(_ db: Connection) throws -> [Applied] {
        let exists = try db.first("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'") { _ in true } ?? false
        guard exists else { return [] }
        return try db.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version") {
            Applied(version: Int($0.int(0)), name: $0.text(1), checksum: $0.text(2))
        }
    }
}
