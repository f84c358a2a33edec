/// One schema migration: `migrations/NNNN_name.sql`, embedded in the binary.
struct Migration: Sendable {
    let version: Int
    let name: String
    let sql: String

    /// SHA-256 of the SQL text: an applied migration whose text changed is refused.
    var checksum: String { SHA256.hex(sql) }
}

extension Migration {
    /// The migrations for the backend of `db`: migrations/*.sql for SQLite, the same versions
    /// and names from migrations/postgresql/*.sql for PostgreSQL. Each backend's store records
    /// its own files' checksums in schema_migrations, so the refusals (too new, migrated
    /// differently) work per dialect.
    static func embedded(for db: Connection) -> [Migration] { db.isPostgres ? embeddedPostgres : embedded }
}
