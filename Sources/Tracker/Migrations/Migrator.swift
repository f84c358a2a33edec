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
    static let bookkeepingPostgres = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     BIGINT PRIMARY KEY,
            name        TEXT NOT NULL,
            checksum    TEXT NOT NULL,
            applied_at  DOUBLE PRECISION NOT NULL
        )
        """

    struct Applied { let version: Int; let name: String; let checksum: String }

    /// Brings `db` up to date and returns the migrations this call applied, or throws without
    /// changing anything when it is too new or one of its applied migrations differs.
    ///
    /// As GRDB's `DatabaseMigrator` does, foreign keys are off while a migration runs (so one
    /// that rebuilds a parent table does not cascade into its children) and
    /// `PRAGMA foreign_key_check` must come back empty before its transaction commits.
    @discardableResult
    ///
    /// On PostgreSQL each migration's transaction holds the store's writer lock (see
    /// `Connection.transaction`), which serialises processes the same way; foreign keys stay
    /// on (its migrations change tables in place instead of rebuilding them).
    static func migrate(_ db: Connection, migrations given: [Migration]? = nil) throws -> [Migration] {
        let migrations = given ?? Migration.embedded(for: db)
        // Fast path, no write lock: everything is already applied.
        if try pending(db, migrations).isEmpty { return [] }
        // The pragma is a no-op inside a transaction, so it is switched around each one.
        try db.execute("PRAGMA foreign_keys = OFF")
        defer { try? db.execute("PRAGMA foreign_keys = ON") }
        var applied: [Migration] = []
        while true {
            let next: Migration? = try db.transaction(.immediate) {
                try db.execute(db.isPostgres ? bookkeepingPostgres : bookkeeping)
                guard let next = try pending(db, migrations).first else { return nil }
                do {
                    try db.execute(next.sql)
                } catch let e as SQLiteError {
                    throw TrackerError.migrationFailed(version: next.version, name: next.name, reason: e.description)
                }
                if let dangling = try danglingForeignKey(db) {
                    throw TrackerError.migrationFailed(version: next.version, name: next.name, reason: dangling)
                }
                try db.run(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    [.int(next.version), .text(next.name), .text(next.checksum), .real(Date().timeIntervalSince1970)])
                return next
            }
            guard let next else { return applied }
            applied.append(next)
        }
    }

    /// The first row `PRAGMA foreign_key_check` reports, described, or nil when every
    /// reference resolves.
    static func danglingForeignKey(_ db: Connection) throws -> String? {
        if db.isPostgres { return nil }  // enforced by PostgreSQL on every statement
        let statement = try db.prepare("PRAGMA foreign_key_check")
        let rows = try statement.rows([]) { row in
            (table: row.text(0), rowid: row.optionalInt(1), parent: row.text(2))
        }
        guard let first = rows.first else { return nil }
        let row = first.rowid.map { "row \($0) of " } ?? "a row of "
        return "it leaves \(row)\(first.table) pointing at a missing \(first.parent) row" + (rows.count > 1 ? " (and \(rows.count - 1) more)" : "")
    }

    /// Migrations that only add what readers can do without (version 2: metric tiles, which
    /// charts fall back from; version 3: what MLflow clients log, read only by `tracker
    /// server`, which migrates; version 4: the queue of `tracker sweep submit`, which an
    /// older store holds none of; version 5: landscapes, which reads of a file without them
    /// show as none; version 6: the fine metric tiles, which charts fall back from like the
    /// coarse ones): a read-only viewer accepts a file that lacks them.
    static let optionalForReaders: Set<Int> = [2, 3, 4, 5, 6]

    /// Checks a database opened read-only: it must be migrated by a binary that knows its
    /// schema, up to the migrations readers can do without.
    static func verify(_ db: Connection, migrations given: [Migration]? = nil) throws {
        let migrations = given ?? Migration.embedded(for: db)
        let missing = try pending(db, migrations).filter { !optionalForReaders.contains($0.version) }
        if let first = missing.first {
            throw TrackerError.needsMigration(path: StoreLocation.redacted(db.path), version: first.version, name: first.name)
        }
    }

    /// The migrations not yet applied; throws when the database is newer or was migrated differently.
    static func pending(_ db: Connection, _ migrations: [Migration]) throws -> [Migration] {
        let applied = try appliedMigrations(db)
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        let newest = migrations.map(\.version).max() ?? 0
        for a in applied {
            guard let m = known[a.version] else {
                throw TrackerError.databaseTooNew(path: StoreLocation.redacted(db.path), version: applied.map(\.version).max() ?? a.version, supported: newest)
            }
            if m.checksum != a.checksum {
                throw TrackerError.migrationChanged(path: StoreLocation.redacted(db.path), version: a.version, name: a.name)
            }
        }
        let done = Set(applied.map(\.version))
        return migrations.filter { !done.contains($0.version) }.sorted { $0.version < $1.version }
    }

    static func appliedMigrations(_ db: Connection) throws -> [Applied] {
        guard try db.tableExists("schema_migrations") else { return [] }
        return try db.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version") {
            Applied(version: Int($0.int(0)), name: $0.text(1), checksum: $0.text(2))
        }
    }
}
