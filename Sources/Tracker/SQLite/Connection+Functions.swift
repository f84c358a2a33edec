import CSQLite
import Foundation

extension Connection {
    /// Registers tracker's SQL functions on this connection. Each is computed per call from
    /// its arguments and the clock, so none is marked deterministic.
    func registerFunctions() throws {
        let rc = sqlite3_create_function_v2(handle, Liveness.statusFunctionName, 4, SQLITE_UTF8, nil, runStatusFunction, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, sql: nil) }
    }
}

/// `tracker_run_status(status, pid, host, heartbeat_at)`: the status a reader reports
/// (`Liveness.readStatus`); a row that is not `running` costs one string comparison.
private func runStatusFunction(_ context: OpaquePointer?, _ count: Int32, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    guard count == 4, let arguments, let status = sqliteText(arguments[0]) else {
        sqlite3_result_null(context)
        return
    }
    guard status == RunStatus.running.rawValue else {
        sqlite3_result_text(context, status, -1, SQLITE_TRANSIENT)
        return
    }
    let pid = sqlite3_value_type(arguments[1]) == SQLITE_INTEGER ? Int(exactly: sqlite3_value_int64(arguments[1])) : nil
    let heartbeat: Double? = switch sqlite3_value_type(arguments[3]) {
    case SQLITE_INTEGER, SQLITE_FLOAT: sqlite3_value_double(arguments[3])
    default: nil
    }
    let holder = ProcessHolder(pid: pid, host: sqliteText(arguments[2]), heartbeat: heartbeat)
    sqlite3_result_text(context, Liveness.readStatus(status, holder: holder), -1, SQLITE_TRANSIENT)
}

private func sqliteText(_ value: OpaquePointer?) -> String? {
    guard sqlite3_value_type(value) != SQLITE_NULL, let p = sqlite3_value_text(value) else { return nil }
    let n = Int(sqlite3_value_bytes(value))
    return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
}
