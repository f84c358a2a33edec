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
        guard let start = PQexec(conn, sql) else { throw connectionError(sql: sql) }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            try check(start, sql: sql)
            throw TrackerError.programmerError("not a COPY FROM STDIN: \(sql)")
        }
        PQclear(start)
        let step = max(1, min(chunk, Int(Int32.max)))
        var sent = true
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = min(step, raw.count - offset)
                if PQputCopyData(conn, (base + offset).assumingMemoryBound(to: CChar.self), Int32(n)) != 1 { sent = false; return }
                offset += n
            }
        }
        // A failed send ends the COPY with an error of our own; the server's result says why.
        let ended = sent ? PQputCopyEnd(conn, nil) : PQputCopyEnd(conn, "tracker could not send the rows")
        var failure: (any Error)?
        while let res = PQgetResult(conn) {
            if failure == nil {
                do { try check(res, sql: sql) } catch { failure = error }
            }
            PQclear(res)
        }
        if let failure { throw failure }
        if !sent || ended != 1 { throw connectionError(sql: sql) }
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
