import CSQLite
import Foundation

/// A prepared SQL statement: bind, step, read columns; finalized on deinit.
///
/// On a PostgreSQL connection `pg` holds the translated statement (`PGStatement`): `step()`
/// executes it on the first call and then walks the result's rows. SQLite's paths test one
/// stored optional and are otherwise unchanged.
///
/// Deliberately not `Sendable`: a statement belongs to the connection (and thread) that
/// prepared it.
final class Statement {
    private(set) var handle: OpaquePointer?
    let sql: String
    private unowned let connection: Connection
    /// The PostgreSQL statement; nil on SQLite.
    let pg: PGStatement?

    /// Prepares exactly one statement. Text after it (other than whitespace and comments) is
    /// a programming error: SQLite would silently ignore it. On PostgreSQL the statement is
    /// prepared on the server when it first runs (named and kept when `cached`).
    init(connection: Connection, sql: String, cached: Bool = false) throws {
        self.connection = connection
        self.sql = sql
        if connection.pg != nil {
            let p = PGStatement(sql: sql, cached: cached)
            pg = p
            parameterCount = p.parameterCount
            return
        }
        pg = nil
        var stmt: OpaquePointer?
        let trailing: String = try sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(connection.handle, text, -1, &stmt, &tail)
            guard rc == SQLITE_OK, stmt != nil else {
                sqlite3_finalize(stmt)
                throw connection.error(rc, sql: sql)
            }
            return tail.map { String(cString: $0) } ?? ""
        }
        handle = stmt
        parameterCount = Int(sqlite3_bind_parameter_count(stmt))
        if try Statement.holdsStatement(trailing, connection: connection) {
            throw TrackerError.programmerError("SQL text after the first statement would be ignored: \(trailing.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Whether `text` holds a statement (whitespace, comments and empty `;` do not).
    private static func holdsStatement(_ text: String, connection: Connection) throws -> Bool {
        guard text.contains(where: { !$0.isWhitespace && $0 != ";" }) else { return false }
        return text.withCString { start in
            var rest: UnsafePointer<CChar>? = start
            while let p = rest, p.pointee != 0 {
                var stmt: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(connection.handle, p, -1, &stmt, &tail)
                sqlite3_finalize(stmt)
                // A tail that does not even compile is still text that would have been ignored.
                if rc != SQLITE_OK || stmt != nil { return true }
                if tail == p { return false }
                rest = tail
            }
            return false
        }
    }

    /// The number of `?` placeholders (the highest parameter index).
    let parameterCount: Int

    deinit { sqlite3_finalize(handle) }

    /// Binds one value at a 1-based index.
    func bind(_ value: SQLValue, at index: Int32) throws {
        if let pg { pg.bind(value, at: Int(index) - 1); return }
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let v): rc = sqlite3_bind_text(handle, index, v, -1, SQLITE_TRANSIENT)
        case .blob(let bytes):
            rc = bytes.withUnsafeBytes { p in
                sqlite3_bind_blob64(handle, index, p.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(p.count), SQLITE_TRANSIENT)
            }
        }
        guard rc == SQLITE_OK else { throw connection.error(rc, sql: sql) }
    }

    /// Resets the statement and binds `values` to parameters 1...n; their number must be the
    /// number of placeholders (a missing value would silently be NULL).
    func bind(_ values: [SQLValue]) throws {
        guard values.count == parameterCount else {
            throw TrackerError.programmerError("\(values.count) value\(values.count == 1 ? "" : "s") bound to \(parameterCount) placeholder\(parameterCount == 1 ? "" : "s") in: \(sql)")
        }
        reset()
        for (i, v) in values.enumerated() { try bind(v, at: Int32(i + 1)) }
    }

    // Fast paths for the hot insert loop (no enum boxing).
    @inline(__always) func bindInt(_ v: Int64, at i: Int32) {
        if let pg { pg.bind(.integer(v), at: Int(i) - 1) } else { sqlite3_bind_int64(handle, i, v) }
    }
    @inline(__always) func bindDouble(_ v: Double, at i: Int32) {
        if let pg { pg.bindDouble(v, at: Int(i) - 1) } else { sqlite3_bind_double(handle, i, v) }
    }
    @inline(__always) func bindNull(at i: Int32) {
        if let pg { pg.bind(.null, at: Int(i) - 1) } else { sqlite3_bind_null(handle, i) }
    }

    /// Steps once; `true` while a row is available.
    @discardableResult
    func step() throws -> Bool {
        if let pg {
            if !pg.executed {
                guard let conn = connection.pg else { throw TrackerError.programmerError("a PostgreSQL statement on a SQLite connection") }
                try pg.execute(on: conn)
            }
            pg.row += 1
            return pg.row < pg.rowCount
        }
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(rc, sql: sql)
        }
    }

    /// Runs to completion, ignoring rows.
    func run(_ values: [SQLValue] = []) throws {
        try bind(values)
        while try step() {}
        reset()
    }

    func reset() {
        if let pg {
            pg.clearResult()
            pg.clearBindings()
            return
        }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Resets without clearing bindings, for loops that rebind every parameter.
    @inline(__always) func resetKeepingBindings() {
        if let pg { pg.clearResult() } else { sqlite3_reset(handle) }
    }

    /// Runs and maps each row.
    func rows<T>(_ values: [SQLValue] = [], _ map: (Row) throws -> T) throws -> [T] {
        try bind(values)
        defer { reset() }
        var out: [T] = []
        while try step() { out.append(try map(Row(statement: self))) }
        return out
    }

    var columnCount: Int32 { pg?.columnCount ?? sqlite3_column_count(handle) }
}

/// A view of the current row of a stepping statement.
struct Row {
    let statement: Statement

    func isNull(_ i: Int32) -> Bool {
        if let pg = statement.pg { return pg.isNull(i) }
        return sqlite3_column_type(statement.handle, i) == SQLITE_NULL
    }
    func int(_ i: Int32) -> Int64 {
        if let pg = statement.pg { return pg.int(i) }
        return sqlite3_column_int64(statement.handle, i)
    }
    func double(_ i: Int32) -> Double {
        if let pg = statement.pg { return pg.double(i) }
        return sqlite3_column_double(statement.handle, i)
    }
    func optionalInt(_ i: Int32) -> Int64? { isNull(i) ? nil : int(i) }
    func optionalDouble(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }

    func text(_ i: Int32) -> String {
        if let pg = statement.pg { return pg.text(i) }
        guard let p = sqlite3_column_text(statement.handle, i) else { return "" }
        let n = Int(sqlite3_column_bytes(statement.handle, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    func optionalText(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }

    func blob(_ i: Int32) -> [UInt8] {
        if let pg = statement.pg { return pg.blob(i) }
        let n = Int(sqlite3_column_bytes(statement.handle, i))
        guard n > 0, let p = sqlite3_column_blob(statement.handle, i) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: p, count: n))
    }

    func value(_ i: Int32) -> SQLValue {
        if let pg = statement.pg { return pg.value(i) }
        switch sqlite3_column_type(statement.handle, i) {
        case SQLITE_INTEGER: return .integer(int(i))
        case SQLITE_FLOAT: return .real(double(i))
        case SQLITE_TEXT: return .text(text(i))
        case SQLITE_BLOB: return .blob(blob(i))
        default: return .null
        }
    }
}

/// SQLite's "copy the bound value now" destructor: a C macro, rebuilt by hand.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
