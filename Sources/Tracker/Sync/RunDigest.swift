/// What one run holds in one store, reduced to a SHA-256 per table and row counts: equal
/// digests mean the run's row and every row it owns are the same value for value (floats by
/// their bit patterns, blobs by their SHA-256), whatever the backend and its internal ids.
public struct RunDigest: Sendable, Equatable {
    /// Table name (`runs` for the run's own row) → SHA-256 of its rows, in order.
    public var hashes: [String: String]
    /// Table name → rows.
    public var counts: [String: Int]

    /// Reads the run's row and every row of `RunTable.all` from `store`.
    public static func of(_ run: SyncRun, in store: any SyncSource) throws -> RunDigest {
        var hashes: [String: String] = [:], counts: [String: Int] = [:]
        var h = SHA256()
        feed(try store.syncRunRow(run), into: &h)
        hashes["runs"] = h.finalize().hexString
        counts["runs"] = 1
        for table in RunTable.all {
            var h = SHA256(), n = 0
            try store.forEachSyncRow(of: run, in: table) { row in
                feed(row, into: &h)
                n += 1
            }
            hashes[table.name] = h.finalize().hexString
            counts[table.name] = n
        }
        return RunDigest(hashes: hashes, counts: counts)
    }

    /// The tables whose rows differ, `runs` first, then in `RunTable.all` order.
    public func differences(from other: RunDigest) -> [String] {
        (["runs"] + RunTable.all.map(\.name)).filter { hashes[$0] != other.hashes[$0] }
    }

    /// One hash over every table (for a whole store's content).
    public var combined: String {
        var h = SHA256()
        for name in hashes.keys.sorted() { h.update(Array("\(name)=\(hashes[name] ?? "")\n".utf8)) }
        return h.finalize().hexString
    }

    /// A value as tagged bytes: a type byte, then the value (8 little-endian bytes for numbers,
    /// a length and the bytes for text and blobs), so no two different rows feed the same bytes.
    static func feed(_ row: [SQLValue], into h: inout SHA256) {
        var bytes: [UInt8] = []
        func append(_ x: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: x >> (8 * UInt64(i)))) } }
        append(UInt64(row.count))
        for value in row {
            switch value {
            case .null: bytes.append(0)
            case .integer(let v): bytes.append(1); append(UInt64(bitPattern: v))
            case .real(let v): bytes.append(2); append(v.bitPattern)
            case .text(let s): bytes.append(3); append(UInt64(s.utf8.count)); bytes.append(contentsOf: s.utf8)
            case .blob(let b): bytes.append(4); append(UInt64(b.count)); bytes.append(contentsOf: b)
            }
        }
        h.update(bytes)
    }
}
