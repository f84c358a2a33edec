import CSQLite

/// An error reported by SQLite: its result code, its message and the SQL that failed.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended SQLite result code (e.g. 5 = SQLITE_BUSY, 19 = SQLITE_CONSTRAINT).
    public let code: Int32
    public let message: String
    public let sql: String?
    /// The SQLSTATE of a PostgreSQL error (`code` is then the SQLite code of the same kind,
    /// see `SQLiteError.postgres`); nil for SQLite's own errors.
    public var sqlstate: String? = nil

    public var description: String {
        var s = sqlstate.map { "PostgreSQL error \($0): \(message)" } ?? "SQLite error \(code): \(message)"
        if let sql { s += " (while running: \(sql))" }
        return s
    }

    /// A message for people, without SQLite's wording, codes or SQL (those are `description`).
    public var userMessage: String {
        if sqlstate != nil {
            if isReadOnly { return "the PostgreSQL server refused the write (a read-only connection, or the user lacks the privilege). Check the user in the URL passed with --db." }
            if isConstraint { return "the database refused a change that would break its consistency (for example, to a run deleted meanwhile). Nothing of that change was written." }
            if primaryCode == SQLITE_IOERR { return "the connection to the PostgreSQL server failed or was lost. Check that the server runs and try again." }
            return "the PostgreSQL server could not carry out the request. Run the command again with --verbose for the detail."
        }
        if isReadOnly { return "the database cannot be written (a read-only file or folder, or no permission). Check the permissions of the file and its folder, or pass another with --db." }
        if isCorrupt || isNotADatabase { return "the database file is damaged or is not a tracker database; it was not changed. Check it with: sqlite3 FILE 'PRAGMA integrity_check'" }
        if isConstraint { return "the database refused a change that would break its consistency (for example, to a run deleted meanwhile). Nothing of that change was written." }
        if primaryCode == SQLITE_IOERR { return "reading or writing the database file failed (an I/O error). Check the disk and try again." }
        if primaryCode == SQLITE_NOMEM { return "SQLite ran out of memory. Try a smaller request (fewer runs, a simpler filter)." }
        return "the database could not carry out the request. Run the command again with --verbose for the SQLite detail."
    }

    /// The primary result code (low byte of the extended one).
    public var primaryCode: Int32 { code & 0xff }

    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    public var isConstraint: Bool { primaryCode == SQLITE_CONSTRAINT }
    public var isNotADatabase: Bool { primaryCode == SQLITE_NOTADB }
    public var isCorrupt: Bool { primaryCode == SQLITE_CORRUPT }
    public var isReadOnly: Bool { primaryCode == SQLITE_READONLY || primaryCode == SQLITE_CANTOPEN || primaryCode == SQLITE_PERM }
    public var isFull: Bool { primaryCode == SQLITE_FULL }
}
