import Foundation

extension Store {
    /// What a command may do to the file at a store path.
    public enum Access: Sendable, Equatable {
        /// Read only: the file must be a tracker store; nothing is written, created, migrated
        /// or marked (a dead `running` run reads as `crashed`). Every read command, the UI.
        case read
        /// Edit an existing store (`resume`, `rerun`, `tag`, `delete`, `gc`): migrates it and
        /// records runs it can prove crashed; a missing or empty file is refused, not created.
        case edit
        /// Record new runs (`train`): like `edit`, and a missing or empty file becomes a new store.
        case record
    }

    /// What sits at a store path, found without writing to it.
    enum FileKind: Equatable {
        case missing
        /// A 0-byte file, or a SQLite database with no schema and no application id or user version.
        case empty
        /// A database with tracker's bookkeeping (`schema_migrations`) that this binary can read.
        case tracker
        /// Another application's database: a description of what is in it.
        case foreign(String)
    }

    /// The result of `inspect`: the kind, and the read-only connection it was found with
    /// (none for a missing or 0-byte file). Set `connection` to nil to close it.
    final class Inspection {
        let kind: FileKind
        var connection: Connection?
        init(kind: FileKind, connection: Connection?) {
            self.kind = kind
            self.connection = connection
        }
    }

    /// Looks at `path` through a read-only connection (no pragma that is stored in the file,
    /// no journal mode change, no write) and says what it is. Throws for a file that is not
    /// SQLite, is truncated, or is a tracker store newer than this binary or migrated differently.
    static func inspect(path: String) throws -> Inspection {
        if path == ":memory:" { return Inspection(kind: .missing, connection: nil) }
        if StoreLocation.isPostgres(path) {
            // A server database: it must exist (tracker never creates databases); an empty one
            // (no table in the current schema) is `.empty`.
            let db = try Connection(path: path, mode: .readOnly)
            return Inspection(kind: try kind(of: db), connection: db)
        }
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { return Inspection(kind: .missing, connection: nil) }
            throw TrackerError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw TrackerError.cannotOpen(path: path, reason: "it is a directory") }
        // A 0-byte file whose -wal holds pages is a store another process is creating: read it.
        var walSt = stat()
        if st.st_size == 0 && !(stat(path + "-wal", &walSt) == 0 && walSt.st_size > 0) {
            return Inspection(kind: .empty, connection: nil)
        }
        let db = try Connection(path: path, mode: .readOnly)
        return Inspection(kind: try kind(of: db), connection: db)
    }

    private static func kind(of db: Connection) throws -> FileKind {
        if db.isPostgres { return try postgresKind(of: db) }
        let names = try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name") { $0.text(0) }
        let objects = try db.first("SELECT count(*) FROM sqlite_schema", []) { $0.int(0) } ?? 0
        let userVersion = try db.first("PRAGMA user_version", []) { $0.int(0) } ?? 0
        let applicationID = try db.first("PRAGMA application_id", []) { $0.int(0) } ?? 0
        if objects == 0 && userVersion == 0 && applicationID == 0 { return .empty }
        let bookkeeping = try db.first("""
            SELECT count(*) FROM pragma_table_info('schema_migrations') WHERE name IN ('version', 'name', 'checksum', 'applied_at')
            """, []) { $0.int(0) } ?? 0
        let recorded = bookkeeping == 4 ? try db.first("SELECT count(*) FROM schema_migrations WHERE version = 1", []) { $0.int(0) } ?? 0 : 0
        guard recorded > 0 else {
            var parts: [String] = []
            if !names.isEmpty {
                let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
                parts.append("\(names.count) table\(names.count == 1 ? "" : "s"): \(shown)")
            } else if objects > 0 {
                parts.append("\(objects) schema object\(objects == 1 ? "" : "s"), no tables")
            }
            if applicationID != 0 { parts.append("application id \(applicationID)") }
            if userVersion != 0 { parts.append("user version \(userVersion)") }
            parts.append(bookkeeping == 0 ? "no tracker migrations table" : "a schema_migrations table that is not tracker's")
            return .foreign(parts.joined(separator: "; "))
        }
        _ = try Migrator.pending(db, Migration.embedded)  // too new or migrated differently: refused here, untouched
        return .tracker
    }

    /// `kind(of:)` for a PostgreSQL database, from information_schema (tables of the
    /// connection's current schema) instead of sqlite_schema and SQLite's header pragmas.
    private static func postgresKind(of db: Connection) throws -> FileKind {
        let names = try db.query("""
            SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name
            """) { $0.text(0) }
        if names.isEmpty { return .empty }
        let bookkeeping = try db.first("""
            SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema()
                AND table_name = 'schema_migrations' AND column_name IN ('version', 'name', 'checksum', 'applied_at')
            """, []) { $0.int(0) } ?? 0
        let recorded = bookkeeping == 4 ? try db.first("SELECT count(*) FROM schema_migrations WHERE version = 1", []) { $0.int(0) } ?? 0 : 0
        guard recorded > 0 else {
            let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
            return .foreign("\(names.count) table\(names.count == 1 ? "" : "s"): \(shown); "
                + (bookkeeping == 0 ? "no tracker migrations table" : "a schema_migrations table that is not tracker's"))
        }
        _ = try Migrator.pending(db, Migration.embeddedPostgres)
        return .tracker
    }
}
