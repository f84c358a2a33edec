import Foundation

/// The ceiling for the ingest benchmark: raw prepared inserts into the store's own
/// `metrics` table (same primary key and indexes), all in one transaction, on one connection.
public enum RawInsertBaseline {
    /// Inserts `points` rows (8 keys, `step = i / 8`) into run `runID` of the store at `path`;
    /// returns the seconds taken, commit included.
    public static func insert(path: String, runID: String, points: Int) throws -> Double {
        let db = try Connection(path: path, mode: .readWrite)
        guard let seq = try db.first("SELECT seq FROM runs WHERE id = ?", [.text(runID)], { $0.int(0) }) else {
            throw TrackerError.runNotFound(runID, suggestions: [])
        }
        var keyIDs: [Int64] = []
        for k in 0..<8 {
            try db.run("INSERT OR IGNORE INTO keys (name) VALUES (?)", [.text("raw/key\(k)")])
            keyIDs.append(try db.first("SELECT id FROM keys WHERE name = ?", [.text("raw/key\(k)")], { $0.int(0) }) ?? 0)
        }
        let stmt = try db.prepare("INSERT INTO metrics (run_seq, key_id, step, epoch, value, wall_time) VALUES (?, ?, ?, ?, ?, ?)")
        let start = DispatchTime.now().uptimeNanoseconds
        try db.transaction(.immediate) {
            for i in 0..<points {
                stmt.reset()
                stmt.bindInt(seq, at: 1)
                stmt.bindInt(keyIDs[i & 7], at: 2)
                stmt.bindInt(Int64(i >> 3), at: 3)
                stmt.bindInt(0, at: 4)
                stmt.bindDouble(1.0 / (1.0 + Double(i)), at: 5)
                stmt.bindDouble(1.7e9 + Double(i) * 1e-3, at: 6)
                try stmt.step()
            }
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
