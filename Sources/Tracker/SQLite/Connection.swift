import CLibPQ
import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One store connection: SQLite (a busy timeout, foreign keys on, tracker's SQL functions; a
/// writer also sets the WAL journal) or, for a `postgresql://` URL, PostgreSQL through libpq
/// (`pg`; see Postgres.swift and PGDialect.swift). The store uses one API for both.
///
/// Not `Sendable`: a connection is used by one thread at a time (the background writer
/// owns its own connection).
final class Connection {
    /// `readWrite` creates the file and switches it to WAL: only for a file already known to be
    /// a tracker store (or missing or empty). `readOnly` never changes the file (see `Access`).
    enum Mode { case readWrite, readOnly }

    private(set) var handle: OpaquePointer?
    /// The PostgreSQL connection, when `path` is a `postgresql://` URL; nil for SQLite.
    let pg: PGConnection?
    let path: String
    let mode: Mode
    private var cache: [String: Statement] = [:]

    /// How long a writer waits for another process's lock before failing (ms).
    static let busyTimeoutMilliseconds: Int32 = 30_000

    init(path: String, mode: Mode) throws {
        self.path = path
        self.mode = mode
        if StoreLocation.isPostgres(path) {
            pg = try PGConnection(url: path, readOnly: mode == .readOnly)
            return
        }
        pg = nil
        if path != ":memory:" { try Connection.checkHeader(path: path, mode: mode) }
        var access = mode == .readWrite ? Access.readWrite : Connection.readAccess(path: path)
        while true {
            handle = try Connection.openHandle(path: path, access: access)
            do {
                try configure(mode: mode, access: access)
                return
            } catch let e as SQLiteError where access == .readOnlyFile && e.isReadOnly && !Connection.exists(path + "-wal") {
                // A WAL file in a directory we cannot write, with no -wal beside it: SQLite
                // cannot create the -wal/-shm a reader needs. Nobody else can create them
                // either, so nothing can be writing: read it as immutable.
                closeHandle()
                access = .immutable
            } catch {
                closeHandle()
                guard let e = error as? SQLiteError else { throw error }
                if e.isNotADatabase || e.isCorrupt { throw TrackerError.notADatabase(path: path, reason: e.message) }
                if e.isReadOnly { throw TrackerError.cannotOpen(path: path, reason: e.message) }
                throw e
            }
        }
    }

    /// Sets the connection up; a reader sets nothing that is stored in the file.
    private func configure(mode: Mode, access: Access) throws {
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Connection.busyTimeoutMilliseconds)
        try registerFunctions()
        // Before the first read: a reader must not be able to write, not even by mistake.
        if mode == .readOnly { try execute("PRAGMA query_only = ON") }
        // Touch the schema first: a non-database file fails here, before anything is written.
        if path != ":memory:" { try checkNotTruncated() }
        try execute("SELECT count(*) FROM sqlite_schema")
        try execute("PRAGMA foreign_keys = ON")
        if mode == .readWrite {
            try retryingBusy { try execute("PRAGMA journal_mode = WAL") }
            try execute("PRAGMA synchronous = NORMAL")
        }
    }

    private func closeHandle() {
        cache.removeAll()
        sqlite3_close_v2(handle)
        handle = nil
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Checks, before SQLite opens it, that the path can be used. Only `stat` is used: opening
    /// and closing a descriptor on a database this process already has open would drop
    /// SQLite's POSIX locks on it (the classic pitfall), and another process could then
    /// checkpoint and delete the WAL under our feet.
    static func checkHeader(path: String, mode: Mode) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT {
                if mode == .readOnly { throw TrackerError.databaseMissing(path: path) }
                return
            }
            throw TrackerError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw TrackerError.cannotOpen(path: path, reason: "it is a directory") }
    }

    /// Rejects a file shorter than its header says (a truncated copy), read through SQLite
    /// itself before anything is written. Skipped while a WAL exists (other connections are
    /// at work and the file may lag its header); the size is taken after the header is read
    /// and checked twice, so a database another process is creating never looks truncated.
    func checkNotTruncated() throws {
        for attempt in 0..<2 {
            var walSt = stat(), st = stat()
            if stat(path + "-wal", &walSt) == 0 { return }
            guard let pageSize = try first("PRAGMA page_size", [], { $0.int(0) }),
                  let pageCount = try first("PRAGMA page_count", [], { $0.int(0) }),
                  stat(path, &st) == 0 else { return }
            if Int64(st.st_size) >= pageSize * pageCount { return }
            if attempt == 1 {
                throw TrackerError.notADatabase(path: path, reason: "the file is truncated: \(st.st_size) bytes, but its header says \(pageSize * pageCount)")
            }
            usleep(50_000)
        }
    }

    var isPostgres: Bool { pg != nil }

    /// Runs one or more statements without results. On PostgreSQL a `PRAGMA` (SQLite's
    /// connection settings: `synchronous`, `foreign_keys`) is a no-op: commits are durable and
    /// foreign keys always enforced there.
    func execute(_ sql: String) throws {
        if let pg {
            if sql.range(of: #"^\s*PRAGMA\b"#, options: [.regularExpression, .caseInsensitive]) != nil { return }
            try pg.execute(sql)
            return
        }
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let message = errmsg.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errmsg)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message, sql: sql)
        }
    }

    /// A fresh prepared statement.
    func prepare(_ sql: String) throws -> Statement { try Statement(connection: self, sql: sql, cached: false) }

    /// A prepared statement kept for reuse on this connection.
    func cached(_ sql: String) throws -> Statement {
        if let s = cache[sql] { return s }
        let s = try Statement(connection: self, sql: sql, cached: true)
        cache[sql] = s
        return s
    }

    /// Runs a statement with bound values.
    func run(_ sql: String, _ values: [SQLValue] = []) throws {
        try cached(sql).run(values)
    }

    /// Maps the rows of a query.
    func query<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (Row) throws -> T) throws -> [T] {
        try cached(sql).rows(values, map)
    }

    /// The first row of a query, if any.
    func first<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (Row) throws -> T) throws -> T? {
        let stmt = try cached(sql)
        try stmt.bind(values)
        defer { stmt.reset() }
        return try stmt.step() ? map(Row(statement: stmt)) : nil
    }

    enum TransactionKind {
        /// SQLite's `BEGIN DEFERRED`; a plain `BEGIN` on PostgreSQL.
        case deferred
        /// One writer at a time: SQLite's `BEGIN IMMEDIATE`; on PostgreSQL the store's writer
        /// lock (`writerLockKey`) in exclusive mode.
        case immediate
        /// A claim of rows that each guards by a row lock (`SELECT … FOR UPDATE SKIP LOCKED`,
        /// see `Store.claimNextRun`): SQLite's `BEGIN IMMEDIATE` (SQLite has no row locks); on
        /// PostgreSQL the writer lock in *shared* mode, so such claims run side by side while
        /// every immediate transaction still excludes them, and they it.
        case rowLocked

        var sqliteBegin: String { self == .deferred ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE" }

        var postgresBegin: String {
            switch self {
            case .deferred: "BEGIN"
            case .immediate: "BEGIN; SELECT pg_advisory_xact_lock(\(Connection.writerLockKey))"
            case .rowLocked: "BEGIN; SELECT pg_advisory_xact_lock_shared(\(Connection.writerLockKey))"
            }
        }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    ///
    /// On PostgreSQL an immediate transaction takes one advisory lock for the whole database
    /// (`pg_advisory_xact_lock`), so writers are serialised as SQLite's `BEGIN IMMEDIATE`
    /// serialises them: every read-then-write the store does inside one (taking a lease over,
    /// allocating a run id, checking a lease before writing, applying a migration) behaves the
    /// same on both. A `rowLocked` transaction (claiming a queued run) takes that lock shared:
    /// claims do not wait for one another, only for the exclusive writers (and those for them).
    func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if let pg {
            try pg.execute(kind.postgresBegin)
        } else {
            try retryingBusy { try execute(kind.sqliteBegin) }
        }
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// `FOR UPDATE OF alias SKIP LOCKED` on PostgreSQL (lock the rows a query returns,
    /// passing over rows another transaction has locked), nothing on SQLite, whose
    /// `BEGIN IMMEDIATE` already keeps every other writer out.
    func skipLocked(_ alias: String) -> String {
        isPostgres ? " FOR UPDATE OF \(alias) SKIP LOCKED" : ""
    }

    /// The advisory lock key of the writers of a PostgreSQL store ("tracker" in ASCII).
    static let writerLockKey: Int64 = 0x74_72_61_63_6b_65_72

    /// The rowid (SQLite) or the last identity value this session generated (PostgreSQL's
    /// `lastval()`, 0 when none was) of the last INSERT.
    var lastInsertRowID: Int64 {
        guard let pg else { return sqlite3_last_insert_rowid(handle) }
        let res = PQexec(pg.conn, "SELECT lastval()")
        defer { PQclear(res) }
        guard let res, PQresultStatus(res) == PGRES_TUPLES_OK, PQntuples(res) == 1, let p = PQgetvalue(res, 0, 0) else { return 0 }
        return Int64(String(cString: p)) ?? 0
    }

    var changes: Int { pg.map { $0.lastChanges } ?? Int(sqlite3_changes(handle)) }

    /// Whether the store has a table of that name (sqlite_schema, or PostgreSQL's
    /// information_schema for the current schema).
    func tableExists(_ name: String) throws -> Bool {
        if let pg { return try pg.tableExists(name) }
        return try first("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", [.text(name)], { _ in true }) ?? false
    }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Retries an operation that failed with SQLITE_BUSY without the busy handler being
    /// consulted (as `PRAGMA journal_mode` and a contended `BEGIN` can), for up to the busy timeout.
    func retryingBusy<T>(_ body: () throws -> T) throws -> T {
        var waited: Int32 = 0
        while true {
            do { return try body() } catch let e as SQLiteError where e.isBusy && waited < Connection.busyTimeoutMilliseconds {
                usleep(10_000)
                waited += 10
            }
        }
    }
}
