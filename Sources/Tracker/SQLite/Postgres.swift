import CLibPQ
import Foundation

/// Where a store lives: a SQLite file path, or a PostgreSQL server URL
/// (`postgresql://user[:password]@host:port/db`, also `postgres://`).
public enum StoreLocation {
    /// Whether `path` names a PostgreSQL database rather than a file.
    public static func isPostgres(_ path: String) -> Bool {
        let lower = path.prefix(13).lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// `path` fit to print: a URL's password (and any `password=` parameter) replaced by `***`.
    /// A file path is returned unchanged.
    public static func redacted(_ path: String) -> String {
        guard isPostgres(path), let scheme = path.range(of: "://") else { return path }
        var rest = String(path[scheme.upperBound...])
        // The user info ends at the last '@' (host names and databases hold none, while a
        // sloppy password may hold '/', '?' or '@' unescaped): masking too much is harmless.
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            if let colon = userinfo.firstIndex(of: ":") {
                rest = String(rest[..<colon]) + ":***" + String(rest[at...])
            }
        }
        if let q = rest.firstIndex(of: "?") {
            let query = rest[rest.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
                part.lowercased().hasPrefix("password=") ? "password=***" : String(part)
            }
            rest = String(rest[...q]) + query.joined(separator: "&")
        }
        return String(path[..<scheme.upperBound]) + rest
    }
}

/// One libpq connection (`PGconn*`), owned by a `Connection`. Errors become `SQLiteError`s
/// carrying the SQLSTATE, with the SQLite result code the store's checks use (see `SQLiteError.postgres`).
final class PGConnection {
    let conn: OpaquePointer
    /// Rows the last command changed (`PQcmdTuples`), for `Connection.changes`.
    var lastChanges = 0
    /// Translated SQL that needs explicit parameter types (PostgreSQL could not infer one:
    /// SQLSTATE 42P18), or that was seen to prepare without them.
    var needsTypes: [String: Bool] = [:]
    private var nextName = 0

    init(url: String, readOnly: Bool) throws {
        let shown = StoreLocation.redacted(url)
        guard let c = PQconnectdb(PGConnection.libpqURL(url)) else {
            throw TrackerError.cannotOpen(path: shown, reason: "libpq could not allocate a connection")
        }
        guard PQstatus(c) == CONNECTION_OK else {
            let raw = String(cString: PQerrorMessage(c)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(c)
            let failure = PGConnection.explain(raw, url: url)
            throw TrackerError.cannotConnect(path: shown, problem: failure.problem, detail: failure.detail)
        }
        conn = c
        // libpq prints NOTICEs ("relation already exists, skipping") on stderr by default.
        PQsetNoticeProcessor(c, { _, _ in }, nil)
        try execute("SET client_min_messages = warning")
        try execute("SET extra_float_digits = 1")  // shortest exact float text (the default since PostgreSQL 12)
        // tracker_run_status (migrations/postgresql/0001) reads the lease of this process.
        try execute("SET tracker.lease_seconds = '\(Int(Liveness.staleAfter))'")
        if readOnly { try execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY") }
    }

    deinit { PQfinish(conn) }

    var inTransaction: Bool {
        let s = PQtransactionStatus(conn)
        return s == PQTRANS_INTRANS || s == PQTRANS_INERROR
    }

    func makeName() -> String {
        nextName += 1
        return "tracker_\(nextName)"
    }

    /// Runs SQL (one or more statements) through the simple query protocol.
    func execute(_ sql: String) throws {
        let res = PQexec(conn, sql)
        defer { PQclear(res) }
        try check(res, sql: sql)
    }

    /// Throws for a result that is not a success; records the changed-row count.
    func check(_ res: OpaquePointer?, sql: String?) throws {
        guard let res else { throw connectionError(sql: sql) }
        let status = PQresultStatus(res)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            let n = PQcmdTuples(res).map { String(cString: $0) } ?? ""
            lastChanges = Int(n) ?? 0
        default:
            throw error(res, sql: sql)
        }
    }

    func error(_ res: OpaquePointer, sql: String?) -> SQLiteError {
        let state = PQresultErrorField(res, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let primary = PQresultErrorField(res, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
        let detail = PQresultErrorField(res, Int32(UInt8(ascii: "D"))).map { String(cString: $0) }
        var message = primary ?? String(cString: PQresultErrorMessage(res)).trimmingCharacters(in: .whitespacesAndNewlines)
        if let detail { message += " (\(detail))" }
        guard let state else { return connectionError(sql: sql) }
        return SQLiteError.postgres(sqlstate: state, message: message, sql: sql)
    }

    func connectionError(sql: String?) -> SQLiteError {
        let raw = String(cString: PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines)
        return SQLiteError.postgres(sqlstate: "08006", message: raw.isEmpty ? "the connection to the PostgreSQL server was lost" : raw, sql: sql)
    }

    /// Whether a table of that name exists in the connection's current schema.
    func tableExists(_ name: String) throws -> Bool {
        let res = name.withCString { p -> OpaquePointer? in
            var values: [UnsafePointer<CChar>?] = [p]
            return PQexecParams(conn, "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
                                1, nil, &values, nil, nil, 0)
        }
        defer { PQclear(res) }
        try check(res, sql: "information_schema.tables")
        return PQntuples(res) > 0
    }
}

extension SQLiteError {
    /// A PostgreSQL error with the SQLite result code of the same kind, so the store's
    /// `isConstraint` / `isBusy` / `isReadOnly` checks hold on both backends: integrity
    /// violations (23xxx) and trigger RAISEs (P0001) are constraints, serialization failures
    /// and deadlocks (40001, 40P01, 55P03) are busy, read-only transactions and missing
    /// privileges (25006, 42501) are read-only, lost connections (08xxx) are I/O errors.
    static func postgres(sqlstate: String, message: String, sql: String?) -> SQLiteError {
        let code: Int32
        switch sqlstate {
        case _ where sqlstate.hasPrefix("23"), "P0001": code = 19  // SQLITE_CONSTRAINT
        case "40001", "40P01", "55P03": code = 5  // SQLITE_BUSY
        case "25006", "42501": code = 8  // SQLITE_READONLY
        case "53100": code = 13  // SQLITE_FULL
        case "53200": code = 7  // SQLITE_NOMEM
        case _ where sqlstate.hasPrefix("08"): code = 10  // SQLITE_IOERR
        default: code = 1  // SQLITE_ERROR
        }
        return SQLiteError(code: code, message: message, sql: sql, sqlstate: sqlstate)
    }
}

/// The PostgreSQL side of a `Statement`: the translated SQL, the bound values (text, or
/// binary for blobs), and the result of the execution that `step()` walks.
final class PGStatement {
    let sql: String
    let parameterCount: Int
    let cachedStatement: Bool
    /// SQL whose every parameter PostgreSQL can type from its context (the values of an
    /// `INSERT … VALUES` list, see `Connection.insertRows`): run once without the savepoint
    /// that guards a first, untyped attempt inside a transaction.
    var inferable = false
    /// Whether this statement, run once before without a name, needed explicit types.
    private var ranTyped: Bool?
    private(set) var name: String?
    var texts: [String?]
    var blobs: [[UInt8]?]
    /// The type a typed prepare gives each parameter (int8, float8, text, bytea; 0 = let the server infer).
    var oids: [UInt32]
    var result: OpaquePointer?
    var row: Int32 = -1
    var rowCount: Int32 = 0
    var executed = false

    /// The connection the statement was prepared on, to DEALLOCATE it when released.
    private weak var owner: PGConnection?

    init(sql: String, cached: Bool) {
        let t = PGDialect.translate(sql)
        self.sql = t.sql
        parameterCount = t.parameters
        cachedStatement = cached
        texts = Array(repeating: nil, count: t.parameters)
        blobs = Array(repeating: nil, count: t.parameters)
        oids = Array(repeating: 0, count: t.parameters)
    }

    deinit {
        PQclear(result)
        // A statement prepared inside a transaction that later failed is gone or stays
        // until the session ends; either way nothing is left to do.
        if let name, let owner, !owner.inTransaction || PQtransactionStatus(owner.conn) == PQTRANS_INTRANS {
            PQclear(PQexec(owner.conn, "DEALLOCATE \(name)"))
        }
    }

    func clearResult() {
        PQclear(result)
        result = nil
        executed = false
        row = -1
        rowCount = 0
    }

    func clearBindings() {
        for i in 0..<parameterCount { texts[i] = nil; blobs[i] = nil; oids[i] = 0 }
    }

    @inline(__always) func bind(_ value: SQLValue, at index: Int) {
        guard index >= 0 && index < parameterCount else { return }
        blobs[index] = nil
        switch value {
        case .null: texts[index] = nil
        case .integer(let v): texts[index] = String(v); oids[index] = 20
        case .real(let v): bindDouble(v, at: index)
        case .text(let s): texts[index] = s; oids[index] = 25
        case .blob(let b): texts[index] = nil; blobs[index] = b; oids[index] = 17
        }
    }

    /// NaN is bound as NULL, as SQLite does; ±Inf as PostgreSQL's spelling.
    @inline(__always) func bindDouble(_ v: Double, at index: Int) {
        guard index >= 0 && index < parameterCount else { return }
        blobs[index] = nil
        texts[index] = PGStatement.floatText(v)
        if texts[index] != nil { oids[index] = 701 }
    }

    /// A double as PostgreSQL reads it back exactly (the shortest round-trip digits), nil for
    /// NaN (stored as NULL, as SQLite does); −0 is 0, as SQLite stores it; ±Inf in PostgreSQL's spelling.
    @inline(__always) static func floatText(_ v: Double) -> String? {
        if v.isNaN { return nil }
        if v == 0 { return "0" }
        return v.isInfinite ? (v < 0 ? "-Infinity" : "Infinity") : "\(v)"
    }

    /// Executes with the bound values; afterwards `result` holds the rows.
    func execute(on pg: PGConnection) throws {
        clearResult()
        let n = parameterCount
        var pointers = [UnsafePointer<CChar>?](repeating: nil, count: n)
        var lengths = [Int32](repeating: 0, count: n)
        var formats = [Int32](repeating: 0, count: n)
        var allocations: [UnsafeMutableRawPointer] = []
        defer { for a in allocations { free(a) } }
        for i in 0..<n {
            if let b = blobs[i] {
                guard let p = malloc(max(1, b.count)) else { throw TrackerError.storage("out of memory binding a blob of \(b.count) bytes") }
                allocations.append(p)
                b.withUnsafeBytes { src in if let base = src.baseAddress { p.copyMemory(from: base, byteCount: src.count) } }
                pointers[i] = UnsafePointer(p.assumingMemoryBound(to: CChar.self))
                guard let length = Int32(exactly: b.count) else { throw TrackerError.invalidArgument("a blob of \(b.count) bytes is too large for PostgreSQL") }
                lengths[i] = length
                formats[i] = 1
            } else if let s = texts[i] {
                guard let p = strdup(s) else { throw TrackerError.storage("out of memory binding a value") }
                allocations.append(UnsafeMutableRawPointer(p))
                pointers[i] = UnsafePointer(p)
            }
        }
        let res: OpaquePointer?
        // Run a second time (a loop over one statement): prepared under a name from then on.
        if cachedStatement || name != nil || ranTyped != nil {
            if name == nil { try prepare(on: pg) }
            res = PQexecPrepared(pg.conn, name ?? "", Int32(n), &pointers, &lengths, &formats, 0)
            do { try pg.check(res, sql: sql) } catch {
                PQclear(res)
                throw error
            }
        } else {
            res = try executeOnce(on: pg, n, &pointers, &lengths, &formats)
        }
        result = res
        rowCount = PQntuples(res)
        executed = true
    }

    /// A statement not kept for reuse: parsed, bound and run in one round trip
    /// (`PQexecParams`), with no named statement to prepare and DEALLOCATE afterwards. The
    /// parameter types follow `prepare(on:)`: untyped first (inside a transaction in a
    /// savepoint, unless the SQL is `inferable`), typed when the server could not infer one.
    private func executeOnce(on pg: PGConnection, _ n: Int, _ pointers: inout [UnsafePointer<CChar>?], _ lengths: inout [Int32],
                             _ formats: inout [Int32]) throws -> OpaquePointer? {
        func run(typed: Bool) throws -> OpaquePointer? {
            var types = oids
            let res = typed ? PQexecParams(pg.conn, sql, Int32(n), &types, &pointers, &lengths, &formats, 0)
                : PQexecParams(pg.conn, sql, Int32(n), nil, &pointers, &lengths, &formats, 0)
            do { try pg.check(res, sql: sql) } catch {
                PQclear(res)
                throw error
            }
            return res
        }
        if let typed = ranTyped ?? pg.needsTypes[sql] { return try run(typed: typed) }
        let savepoint = pg.inTransaction && !inferable
        if savepoint { try pg.execute("SAVEPOINT tracker_prepare") }
        do {
            let res = try run(typed: false)
            if savepoint {
                let changed = pg.lastChanges  // the statement's count, not RELEASE's
                try pg.execute("RELEASE SAVEPOINT tracker_prepare")
                pg.lastChanges = changed
            }
            ranTyped = false
            return res
        } catch let e as SQLiteError where (e.sqlstate == "42P18" || e.sqlstate == "42804" || e.sqlstate == "42725") && (savepoint || !pg.inTransaction) {
            if savepoint { try pg.execute("ROLLBACK TO SAVEPOINT tracker_prepare; RELEASE SAVEPOINT tracker_prepare") }
            pg.needsTypes[sql] = true
            ranTyped = true
            return try run(typed: true)
        } catch {
            if savepoint { try? pg.execute("ROLLBACK TO SAVEPOINT tracker_prepare; RELEASE SAVEPOINT tracker_prepare") }
            throw error
        }
    }

    /// Prepares the statement once, under a name of its own (the unnamed statement would be
    /// dropped by the next simple query, such as a savepoint's). Parameters are left to the server to type; SQL where it cannot
    /// (`? IS NULL`) is prepared again with the bound values' types, remembered per connection.
    /// A prepare of SQL not seen before, inside a transaction, runs in a savepoint, so the
    /// untyped attempt failing does not abort the transaction.
    private func prepare(on pg: PGConnection) throws {
        let target = pg.makeName()
        owner = pg
        if let typed = pg.needsTypes[sql] {
            try prepareOnce(pg, name: target, typed: typed)
        } else {
            let savepoint = pg.inTransaction && !inferable
            if savepoint { try pg.execute("SAVEPOINT tracker_prepare") }
            do {
                try prepareOnce(pg, name: target, typed: false)
                pg.needsTypes[sql] = false
                if savepoint { try pg.execute("RELEASE SAVEPOINT tracker_prepare") }
            } catch let e as SQLiteError where (e.sqlstate == "42P18" || e.sqlstate == "42804" || e.sqlstate == "42725") && (savepoint || !pg.inTransaction) {
                if savepoint { try pg.execute("ROLLBACK TO SAVEPOINT tracker_prepare; RELEASE SAVEPOINT tracker_prepare") }
                pg.needsTypes[sql] = true
                try prepareOnce(pg, name: target, typed: true)
            } catch {
                if savepoint { try? pg.execute("ROLLBACK TO SAVEPOINT tracker_prepare; RELEASE SAVEPOINT tracker_prepare") }
                throw error
            }
        }
        name = target
    }

    private func prepareOnce(_ pg: PGConnection, name: String, typed: Bool) throws {
        let res: OpaquePointer?
        if typed {
            var types = oids
            res = PQprepare(pg.conn, name, sql, Int32(parameterCount), &types)
        } else {
            res = PQprepare(pg.conn, name, sql, Int32(parameterCount), nil)
        }
        defer { PQclear(res) }
        try pg.check(res, sql: sql)
    }

    // MARK: reading the current row

    @inline(__always) func isNull(_ column: Int32) -> Bool {
        guard let result, row >= 0, row < rowCount, column >= 0, column < PQnfields(result) else { return true }
        return PQgetisnull(result, row, column) == 1
    }

    @inline(__always) func cString(_ column: Int32) -> UnsafeMutablePointer<CChar>? {
        guard !isNull(column), let result else { return nil }
        return PQgetvalue(result, row, column)
    }

    func int(_ column: Int32) -> Int64 {
        guard let p = cString(column) else { return 0 }
        switch p.pointee {
        case CChar(UInt8(ascii: "t")): return 1
        case CChar(UInt8(ascii: "f")): return 0
        default: break
        }
        var end: UnsafeMutablePointer<CChar>?
        errno = 0
        let v = strtoll(p, &end, 10)
        if let end, end.pointee == 0, errno == 0 { return v }
        // A REAL/numeric column read as an integer: truncated as SQLite does, clamped.
        let d = strtod(p, nil)
        if d.isNaN { return 0 }
        if d >= 9.2e18 { return Int64.max }
        if d <= -9.2e18 { return Int64.min }
        return Int64(d)
    }

    func double(_ column: Int32) -> Double {
        guard let p = cString(column) else { return 0 }
        switch p.pointee {
        case CChar(UInt8(ascii: "t")): return 1
        case CChar(UInt8(ascii: "f")): return 0
        default: return strtod(p, nil)  // glibc reads Infinity, -Infinity and NaN
        }
    }

    func text(_ column: Int32) -> String {
        guard let p = cString(column), let result else { return "" }
        let n = Int(PQgetlength(result, row, column))
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) }
    }

    /// A bytea column in text form (`\x` then hex digits).
    func blob(_ column: Int32) -> [UInt8] {
        guard let p = cString(column), let result else { return [] }
        let n = Int(PQgetlength(result, row, column))
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { bytes -> [UInt8] in
            guard n >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x") else {
                return Array(UnsafeBufferPointer(start: bytes, count: n))
            }
            var out = [UInt8](); out.reserveCapacity((n - 2) / 2)
            var i = 2
            while i + 1 < n {
                guard let hi = PGStatement.hex(bytes[i]), let lo = PGStatement.hex(bytes[i + 1]) else { break }
                out.append(hi << 4 | lo)
                i += 2
            }
            return out
        }
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    func value(_ column: Int32) -> SQLValue {
        guard !isNull(column), let result else { return .null }
        switch PQftype(result, column) {
        case 16, 20, 21, 23, 26: return .integer(int(column))
        case 700, 701: return .real(double(column))
        case 1700:
            let t = text(column)
            return t.contains(where: { $0 == "." || $0 == "e" || $0 == "E" || $0 == "N" || $0 == "I" }) ? .real(double(column)) : .integer(int(column))
        case 17: return .blob(blob(column))
        default: return .text(text(column))
        }
    }

    var columnCount: Int32 { result.map { PQnfields($0) } ?? 0 }
}
