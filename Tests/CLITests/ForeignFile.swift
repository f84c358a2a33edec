import Foundation
@testable import Tracker

/// A small seeded generator for hostile inputs (SplitMix64).
struct SplitMix {
    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(state: seed) }
    mutating func next() -> UInt64 { rng.next() }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

/// Another application's SQLite database: generated tables and rows, in rollback-journal
/// mode (the SQLite default; variant 3: WAL), sometimes with an application id or a `schema_migrations`
/// table of its own (as Rails makes).
enum ForeignFile {
    static func write(_ path: String, generator g: inout SplitMix, variant: Int) throws {
        do {
            let db = try Connection(path: path, mode: .readWrite)
            // Variant 3 keeps WAL (an application that uses it too); the others the default journal.
            if variant != 3 { try db.execute("PRAGMA journal_mode = DELETE") }
            let tables = 1 + g.below(4)
            for t in 0..<tables {
                let name = ["users", "orders", "notes", "items", "events", "runs", "experiments"][g.below(7)] + "_\(t)"
                try db.execute("CREATE TABLE \(name) (id INTEGER PRIMARY KEY, label TEXT, amount REAL)")
                for r in 0..<(1 + g.below(20)) {
                    try db.run("INSERT INTO \(name) (label, amount) VALUES (?, ?)", [.text("row \(r)-\(g.next() % 1000)"), .real(Double(g.below(10_000)) / 7)])
                }
            }
            switch variant % 3 {
            case 1: try db.execute("CREATE TABLE schema_migrations (version TEXT PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000')")
            case 2: try db.execute("PRAGMA application_id = 1234567; PRAGMA user_version = 7")
            default: break
            }
        }
        var header = [UInt8](repeating: 0, count: 20)
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        header = [UInt8](handle.readData(ofLength: 20))
        try handle.close()
        let mode: UInt8 = variant == 3 ? 2 : 1
        guard header.count == 20, header[18] == mode, header[19] == mode else {
            throw TrackerError.invalidArgument("the generated foreign file is not in the journal mode of variant \(variant)")
        }
    }
}
