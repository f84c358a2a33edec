import Foundation
@testable import Tracker

/// Every row a run owns, table by table, as sorted strings for comparing two runs.
///
/// Columns left out, and why they legitimately differ between two runs of one config:
/// - run ids and seqs, checkpoint and event ids: assigned by the store;
/// - `metrics.wall_time`, `events.created_at`, `checkpoints.created_at`, the run's
///   start/end/heartbeat times, pid and host: when and where it ran;
/// - the timing metrics `samples_per_s` and `epoch_seconds` (in `metrics`, `latest_metrics`
///   and both levels of tiles): they measure the machine, not the training;
/// - lifecycle events `resume`, `crashed`, `interrupted`: they record that the run was
///   stopped and resumed, which is the point of the comparison.
/// Everything else is compared, values by their bit patterns (blobs byte for byte).
enum RunTables {
    static let timingKeys = MetricSummary.timingKeys
    static let lifecycleEvents: Set<String> = ["resume", "crashed", "interrupted"]

    static func dump(_ store: Store, run: String) throws -> [String: [String]] {
        let seq = try store.resolveSeq(run)
        let db = store.db
        let names = Dictionary(try db.query("SELECT id, name FROM keys") { ($0.int(0), $0.text(1)) }, uniquingKeysWith: { a, _ in a })
        func name(_ id: Int64) -> String { names[id] ?? "#\(id)" }
        func real(_ r: Row, _ i: Int32) -> String { r.isNull(i) ? "NULL" : String(r.double(i).bitPattern, radix: 16) }
        func int(_ r: Row, _ i: Int32) -> String { r.isNull(i) ? "NULL" : String(r.int(i)) }
        func blob(_ r: Row, _ i: Int32) -> String { SHA256.hex(r.blob(i)) }
        func rows(_ sql: String, _ map: (Row) -> String?) throws -> [String] {
            try db.query(sql, [.integer(seq)]) { map($0) }.compactMap { $0 }.sorted()
        }
        var out: [String: [String]] = [:]
        out["runs"] = try rows("SELECT name, status, seed, config_hash, origin, environment FROM runs WHERE seq = ?") {
            "\($0.text(0)) \($0.text(1)) \($0.int(2)) \($0.text(3)) \($0.text(4)) \($0.text(5))"
        }
        out["params"] = try rows("SELECT key, type, value_text, value_num FROM params WHERE run_seq = ?") {
            "\($0.text(0)) \($0.text(1)) \($0.text(2)) \(real($0, 3))"
        }
        out["metrics"] = try rows("SELECT key_id, step, epoch, value FROM metrics WHERE run_seq = ?") {
            timingKeys.contains(name($0.int(0))) ? nil : "\(name($0.int(0))) \($0.int(1)) \(int($0, 2)) \(real($0, 3))"
        }
        out["latest_metrics"] = try rows("SELECT key_id, last_step, last_epoch, last_value, min_value, min_step, max_value, max_step, count, nan_count FROM latest_metrics WHERE run_seq = ?") { r in
            timingKeys.contains(name(r.int(0))) ? nil
                : "\(name(r.int(0))) \(r.int(1)) \(int(r, 2)) \(real(r, 3)) \(real(r, 4)) \(int(r, 5)) \(real(r, 6)) \(int(r, 7)) \(r.int(8)) \(r.int(9))"
        }
        for table in ["metric_tiles", "metric_fine_tiles"] {
            out[table] = try rows("SELECT key_id, tile, count, min_step, min_value, max_step, max_value FROM \(table) WHERE run_seq = ?") { r in
                timingKeys.contains(name(r.int(0))) ? nil : "\(name(r.int(0))) \(r.int(1)) \(r.int(2)) \(int(r, 3)) \(real(r, 4)) \(int(r, 5)) \(real(r, 6))"
            }
        }
        out["grad_stats"] = try rows("SELECT tensor_id, step, epoch, l2, mean, std, max_abs, zero_frac, update_ratio FROM grad_stats WHERE run_seq = ?") { r in
            "\(name(r.int(0))) \(r.int(1)) \(int(r, 2)) " + (3...8).map { real(r, Int32($0)) }.joined(separator: " ")
        }
        out["layer_stats"] = try rows("SELECT layer_id, stat_id, step, epoch, value FROM layer_stats WHERE run_seq = ?") {
            "\(name($0.int(0))) \(name($0.int(1))) \($0.int(2)) \(int($0, 3)) \(real($0, 4))"
        }
        out["bn_stats"] = try rows("SELECT layer_id, step, epoch, running_mean, running_var, mean_avg, mean_abs_max, var_avg, var_min, var_max FROM bn_stats WHERE run_seq = ?") { r in
            "\(name(r.int(0))) \(r.int(1)) \(int(r, 2)) \(blob(r, 3)) \(blob(r, 4)) " + (5...9).map { real(r, Int32($0)) }.joined(separator: " ")
        }
        out["histograms"] = try rows("SELECT tensor_id, step, epoch, lo, hi, counts FROM histograms WHERE run_seq = ?") {
            "\(name($0.int(0))) \($0.int(1)) \(int($0, 2)) \(real($0, 3)) \(real($0, 4)) \(blob($0, 5))"
        }
        out["events"] = try rows("SELECT kind, level, step, epoch, message FROM events WHERE run_seq = ?") {
            lifecycleEvents.contains($0.text(0)) ? nil : "\($0.text(0)) \($0.text(1)) \(int($0, 2)) \(int($0, 3)) \($0.text(4))"
        }
        out["checkpoints"] = try rows("SELECT kind, step, epoch, blob_sha256, size FROM checkpoints WHERE run_seq = ?") {
            "\($0.text(0)) \($0.int(1)) \(int($0, 2)) \($0.text(3)) \($0.int(4))"
        }
        out["tags"] = try rows("SELECT key, value FROM tags WHERE run_seq = ?") { "\($0.text(0))=\($0.text(1))" }
        return out
    }

    /// The first difference between two dumps in words, or nil when they are equal.
    static func difference(_ a: [String: [String]], _ b: [String: [String]]) -> String? {
        for table in Set(a.keys).union(b.keys).sorted() {
            let ra = a[table] ?? [], rb = b[table] ?? []
            if ra == rb { continue }
            let onlyA = Set(ra).subtracting(rb).sorted().prefix(3), onlyB = Set(rb).subtracting(ra).sorted().prefix(3)
            return "\(table): \(ra.count) vs \(rb.count) rows; only in the first: \(Array(onlyA)); only in the second: \(Array(onlyB))"
        }
        return nil
    }
}
