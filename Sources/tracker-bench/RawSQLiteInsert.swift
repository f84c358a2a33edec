import CSQLite
import Foundation

/// The ceiling for the ingest benchmark: raw prepared inserts through SQLite's C API into the
/// store's own `metrics` table (same primary key and indexes), all in one transaction, on one
/// connection with the store's pragmas. It lives with the benchmark, not in the library: it is
/// the peer the recorder is measured against, so it uses nothing of the Tracker.
enum RawSQLiteInsert {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Inserts `points` rows (8 keys, `step = i / 8`) into run `runID` of the store at `path`;
    /// returns the seconds taken, commit included.
    static func insert(path: String, runID: String, points: Int) throws -> Double {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db = handle else {
            throw Failure(description: "cannot open \(path)")
        }
        defer { sqlite3_close_v2(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw Failure(description: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        func prepare(_ sql: String) throws -> OpaquePointer {
            var stmt: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
                throw Failure(description: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
            return stmt
        }
        func int(_ sql: String, _ text: String) throws -> Int64 {
            let stmt = try prepare(sql)
            defer { sqlite3_finalize(stmt) }
            sqlite3_bind_text(stmt, 1, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            guard sqlite3_step(stmt) == SQLITE_ROW else { throw Failure(description: "\(sql) found no row for \(text)") }
            return sqlite3_column_int64(stmt, 0)
        }
        try exec("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        let seq = try int("SELECT seq FROM runs WHERE id = ?", runID)
        var keyIDs: [Int64] = []
        for k in 0..<8 {
            try exec("INSERT OR IGNORE INTO keys (name) VALUES ('raw/key\(k)')")
            keyIDs.append(try int("SELECT id FROM keys WHERE name = ?", "raw/key\(k)"))
        }
        let stmt = try prepare("INSERT INTO metrics (run_seq, key_id, step, epoch, value, wall_time) VALUES (?, ?, ?, ?, ?, ?)")
        defer { sqlite3_finalize(stmt) }
        let start = DispatchTime.now().uptimeNanoseconds
        try exec("BEGIN IMMEDIATE")
        for i in 0..<points {
            sqlite3_reset(stmt)
            sqlite3_bind_int64(stmt, 1, seq)
            sqlite3_bind_int64(stmt, 2, keyIDs[i & 7])
            sqlite3_bind_int64(stmt, 3, Int64(i >> 3))
            sqlite3_bind_int64(stmt, 4, 0)
            sqlite3_bind_double(stmt, 5, 1.0 / (1.0 + Double(i)))
            sqlite3_bind_double(stmt, 6, 1.7e9 + Double(i) * 1e-3)
            guard sqlite3_step(stmt) == SQLITE_DONE else {
                let message = String(cString: sqlite3_errmsg(db))
                try? exec("ROLLBACK")
                throw Failure(description: "insert: \(message)")
            }
        }
        try exec("COMMIT")
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
