import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rows in PostgreSQL's binary `COPY` format (a signature, then per row a field count and
/// per field a length and big-endian bytes, then a trailer), built in memory for
/// `Connection.copyIn`. Values follow `PGStatement.bind`: NaN is NULL and −0 is 0, as SQLite
/// stores them; ±Inf keep their bits.
struct PGBinaryCopy {
    private(set) var bytes: [UInt8]
    private var finished = false

    /// "PGCOPY\n\377\r\n\0", no flags, no header extension.
    private static let header: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]

    init(reservingRows rows: Int, bytesPerRow: Int) {
        bytes = PGBinaryCopy.header
        bytes.reserveCapacity(PGBinaryCopy.header.count + 2 + rows * bytesPerRow)
    }

    /// The bytes built so far, then empties the buffer for the next piece of the same COPY
    /// (the header went with the first piece; `finish()` adds the trailer to the last).
    mutating func take() -> [UInt8] {
        let out = bytes
        bytes.removeAll(keepingCapacity: true)
        return out
    }

    @inline(__always) private mutating func append16(_ v: Int16) {
        withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always) private mutating func append32(_ v: Int32) {
        withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always) private mutating func append64(_ v: UInt64) {
        withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Starts a row of `fields` columns (then exactly that many values follow).
    @inline(__always) mutating func row(fields: Int16) { append16(fields) }

    /// A `bigint` (int8) value.
    @inline(__always) mutating func int8(_ v: Int64) {
        append32(8)
        append64(UInt64(bitPattern: v))
    }

    /// A `double precision` (float8) value; NaN is NULL, −0 is 0.
    @inline(__always) mutating func float8(_ v: Double) {
        if v.isNaN { null(); return }
        append32(8)
        append64(v == 0 ? 0 : v.bitPattern)
    }

    @inline(__always) mutating func null() { append32(-1) }

    /// A `text` (UTF-8) or `bytea` value.
    mutating func data(_ v: [UInt8]) {
        append32(Int32(clamping: v.count))
        bytes.append(contentsOf: v)
    }

    /// The rows with the trailer: the bytes to send.
    mutating func finish() -> [UInt8] {
        if !finished { append16(-1); finished = true }
        return bytes
    }
}

extension PGConnection {
    /// Bytes handed to libpq per `PQputCopyData` call.
    static let copyChunk = 1 << 18

    /// Runs `sql` (one or more statements, the last a `COPY … FROM STDIN`) and streams `data`
    /// to it in chunks of `chunk` bytes. A failing row fails the whole COPY (as one statement does).
    func copyIn(_ sql: String, data: [UInt8], chunk: Int = PGConnection.copyChunk) throws {
        try copyIn(sql, chunk: chunk) { send in send(data) }
    }

    /// Runs `sql` (the last statement a `COPY … FROM STDIN`) and streams to it what `produce`
    /// sends, each piece in chunks of at most `chunk` bytes, so the server inserts while the
    /// next piece is encoded. A throw from `produce` aborts the COPY.
    func copyIn(_ sql: String, chunk: Int = PGConnection.copyChunk, produce: (_ send: ([UInt8]) -> Void) throws -> Void) throws {
        guard let start = PQexec(conn, sql) else { throw connectionError(sql: sql) }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            try check(start, sql: sql)
            throw TrackerError.programmerError("not a COPY FROM STDIN: \(sql)")
        }
        PQclear(start)
        let step = max(1, min(chunk, Int(Int32.max)))
        var sent = true
        let send = { (data: [UInt8]) -> Void in
            guard sent else { return }
            data.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                var offset = 0
                while offset < raw.count {
                    let n = min(step, raw.count - offset)
                    if PQputCopyData(self.conn, (base + offset).assumingMemoryBound(to: CChar.self), Int32(n)) != 1 { sent = false; return }
                    offset += n
                }
            }
        }
        var produced: (any Error)?
        do { try produce(send) } catch { produced = error }
        // A failed send or encoding ends the COPY with an error of our own; the server's result says why.
        let ended = sent && produced == nil ? PQputCopyEnd(conn, nil) : PQputCopyEnd(conn, "tracker could not send the rows")
        var failure: (any Error)?
        while let res = PQgetResult(conn) {
            if failure == nil {
                do { try check(res, sql: sql) } catch { failure = error }
            }
            PQclear(res)
        }
        if let produced { throw produced }
        if let failure { throw failure }
        if !sent || ended != 1 { throw connectionError(sql: sql) }
    }
}

extension PGConnection {
    /// COPYs rows that are expected to be new (`sql`: a `COPY … FROM STDIN (FORMAT binary)`);
    /// false, with nothing written, when one of them is stored already (a unique violation,
    /// undone by a savepoint inside a transaction), so the caller can take its upsert path.
    func copyNew(_ sql: String, produce: (_ send: ([UInt8]) -> Void) throws -> Void) throws -> Bool {
        // Outside a transaction the failed COPY is its own statement and leaves nothing behind.
        let savepoint = inTransaction
        do {
            try copyIn(savepoint ? "SAVEPOINT tracker_copy; " + sql : sql, produce: produce)
        } catch let e as SQLiteError where e.sqlstate == "23505" {
            if savepoint { try execute("ROLLBACK TO SAVEPOINT tracker_copy; RELEASE SAVEPOINT tracker_copy") }
            return false
        }
        if savepoint {
            let changed = lastChanges  // the COPY's row count, not RELEASE's
            try execute("RELEASE SAVEPOINT tracker_copy")
            lastChanges = changed
        }
        return true
    }
}

extension PGBinaryCopy {
    /// A bound value as a COPY field of a `bigint`, `double precision`, `text` or `bytea` column.
    mutating func value(_ v: SQLValue) {
        switch v {
        case .null: null()
        case .integer(let i): int8(i)
        case .real(let d): float8(d)
        case .text(let t): data(Array(t.utf8))
        case .blob(let b): data(b)
        }
    }
}

extension Connection {
    /// PostgreSQL only: `PGConnection.copyIn` on this connection.
    func copyIn(_ sql: String, data: [UInt8], chunk: Int = PGConnection.copyChunk) throws {
        guard let pg else { throw TrackerError.programmerError("COPY on a SQLite connection") }
        try pg.copyIn(sql, data: data, chunk: chunk)
    }
}

/// A PostgreSQL array literal (`{1,NULL,-Infinity}`) of numbers, bound as one text parameter
/// and cast (`?::bigint[]`, `?::float8[]`): many rows' values in one statement. Doubles are
/// spelled as `PGStatement.bindDouble` binds them (NaN is NULL, −0 is 0).
struct PGArrayLiteral {
    private var text = "{"
    private var empty = true

    @inline(__always) private mutating func separate() {
        if !empty { text += "," }
        empty = false
    }

    mutating func int(_ v: Int64?) {
        separate()
        text += v.map { String($0) } ?? "NULL"
    }

    mutating func float(_ v: Double?) {
        separate()
        text += v.flatMap { PGStatement.floatText($0) } ?? "NULL"
    }

    var literal: String { text + "}" }
}
