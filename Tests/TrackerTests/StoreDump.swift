import Foundation
@testable import Tracker

/// Every row of a store file, table by table, read with plain SQL over the schema (not
/// through the sync code it checks): ids that only mean something inside one file are
/// replaced by what they stand for (run seqs by run ids, key ids by names, experiment ids by
/// names), store-assigned row ids are dropped, floats are written as their bit patterns and
/// blobs as their SHA-256. Rows are sorted, so two stores compare table by table.
enum StoreDump {
    /// Columns that hold ids of `keys`, `runs.seq` and `experiments.id`.
    static let keyColumns: Set<String> = ["key_id", "tensor_id", "layer_id", "stat_id"]
    static let runColumns: Set<String> = ["run_seq", "parent_seq"]
    /// Row ids a store assigns itself.
    static let ownIDs: [String: String] = ["runs": "seq", "experiments": "id", "keys": "id", "checkpoints": "id", "events": "id"]

    /// Table → sorted rows, of the runs `only` (all when nil); `schema_migrations` left out.
    static func dump(_ path: String, only: Set<String>? = nil) throws -> [String: [String]] {
        let db = try Connection(path: path, mode: .readOnly)
        let runIDs = Dictionary(try db.query("SELECT seq, id FROM runs") { ($0.int(0), $0.text(1)) }, uniquingKeysWith: { a, _ in a })
        let keys = Dictionary(try db.query("SELECT id, name FROM keys") { ($0.int(0), $0.text(1)) }, uniquingKeysWith: { a, _ in a })
        let experiments = Dictionary(try db.query("SELECT id, name FROM experiments") { ($0.int(0), $0.text(1)) }, uniquingKeysWith: { a, _ in a })
        let tables = try TestSchema.tables(db).filter { $0 != "schema_migrations" }
        var out: [String: [String]] = [:]
        for table in tables {
            let columns = try TestSchema.columns(db, table)
            let own = ownIDs[table]
            let runColumn = table == "runs" ? "seq" : columns.contains("run_seq") ? "run_seq" : nil
            var rows: [String] = []
            _ = try db.query("SELECT \(columns.joined(separator: ", ")) FROM \(table)") { row in
                if let only, let runColumn, let i = columns.firstIndex(of: runColumn), !only.contains(runIDs[row.int(Int32(i))] ?? "") { return }
                var fields: [String] = []
                for (i, column) in columns.enumerated() where column != own {
                    let v = row.value(Int32(i))
                    let text: String
                    switch v {
                    case .null: text = "NULL"
                    case .integer(let n) where runColumns.contains(column): text = "run:" + (runIDs[n] ?? "?\(n)")
                    case .integer(let n) where keyColumns.contains(column): text = "key:" + (keys[n] ?? "?\(n)")
                    case .integer(let n) where column == "experiment_id": text = "experiment:" + (experiments[n] ?? "?\(n)")
                    case .integer(let n): text = "i\(n)"
                    case .real(let d): text = "r" + String(d.bitPattern, radix: 16)
                    case .text(let s): text = "t" + s.debugDescription
                    case .blob(let b): text = "b" + SHA256.hex(b)
                    }
                    fields.append("\(column)=\(text)")
                }
                rows.append(fields.joined(separator: " "))
            }
            out[table] = rows.sorted()
        }
        return out
    }
}
