import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Connection {
    /// How the file is opened at the operating-system level.
    enum Access: Equatable {
        /// Read-write, created when missing: writers only, after the file was inspected.
        case readWrite
        /// Opened read-write but used read-only (`query_only`, no pragma that is stored in the
        /// file). Only for a file with no `-wal` or `-journal` beside it, in a directory we can
        /// write: SQLite then removes the `-wal`/`-shm` a reader of a WAL file creates when the
        /// last connection closes. A read-only open would leave them behind, since it cannot
        /// take the lock that deleting them needs.
        case readOnlyUse
        /// `SQLITE_OPEN_READONLY`: a file we cannot write, or one that already has a `-wal` or
        /// `-journal` (another process is at work, or crashed: its journal is left for a writer).
        case readOnlyFile
        /// `immutable=1`: a file nobody may write (no write permission bit, no `-wal`), or a WAL
        /// file in a directory nobody can create its `-wal` in. A read-only open would leave
        /// an empty `-wal`/`-shm` behind in the first case and fail in the second.
        case immutable
    }

    /// The access a reader uses for `path` (see `Access`).
    static func readAccess(path: String) -> Access {
        if path == ":memory:" { return .readOnlyUse }
        if exists(path + "-wal") || exists(path + "-journal") { return .readOnlyFile }
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        if access(path, R_OK | W_OK) == 0 && access(directory, W_OK | X_OK) == 0 { return .readOnlyUse }
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 { return .immutable }
        return .readOnlyFile
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Opens the SQLite handle; throws `cannotOpen` with SQLite's reason.
    static func openHandle(path: String, access: Access) throws -> OpaquePointer? {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        var name = path
        switch access {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnlyUse: flags |= SQLITE_OPEN_READWRITE
        case .readOnlyFile: flags |= SQLITE_OPEN_READONLY
        case .immutable:
            flags |= SQLITE_OPEN_READONLY
            name = "file:" + uriEscaped(path) + "?immutable=1"
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw TrackerError.cannotOpen(path: path, reason: message)
        }
        return db
    }

    /// A path as the path part of a `file:` URI (RFC 3986: `%`, `?` and `#` escaped, among others).
    static func uriEscaped(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
