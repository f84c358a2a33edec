/// One schema migration: `migrations/NNNN_name.sql`, embedded in the binary.
struct Migration: Sendable {
    let version: Int
    let name: String
    let sql: String

    /// SHA-256 of the SQL text: an applied migration whose text changed is refused.
    var checksum: String { SHA256.hex(sql) }
}
