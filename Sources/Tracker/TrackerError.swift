import Foundation

/// Errors of the Tracker, each with a message that says what to do.
public enum TrackerError: Error, LocalizedError, Equatable, Sendable {
    case cannotOpen(path: String, reason: String)
    /// A PostgreSQL server that cannot be reached or refuses the connection (or a URL libpq
    /// cannot read): what is wrong in the user's words, and libpq's own (shown with --verbose).
    /// Neither holds the URL's password.
    case cannotConnect(path: String, problem: String, detail: String)
    case databaseMissing(path: String)
    case notADatabase(path: String, reason: String)
    case databaseTooNew(path: String, version: Int, supported: Int)
    case migrationChanged(path: String, version: Int, name: String)
    case migrationFailed(version: Int, name: String, reason: String)
    /// A SQLite file of another application (no tracker bookkeeping): never changed.
    case notATrackerStore(path: String, detail: String)
    /// A store whose schema lacks a migration readers need; `tracker migrate` applies it.
    case needsMigration(path: String, version: Int, name: String)
    /// A bug in tracker itself (SQL that binds the wrong number of values, say), not in the input.
    case programmerError(String)
    case runNotFound(String, suggestions: [String])
    case ambiguousRun(String, candidates: [String])
    case experimentNotFound(String)
    case checkpointNotFound(run: String, detail: String)
    case checkpointCorrupt(id: Int64, expected: String, actual: String)
    case invalidArgument(String)
    case storage(String)
    case writerFailed(String)

    public var errorDescription: String? {
        switch self {
        case .cannotOpen(let path, let reason):
            if StoreLocation.isPostgres(path) {
                return "cannot open the database '\(StoreLocation.redacted(path))': \(reason). Nothing was changed; pass another URL with --db."
            }
            return "cannot open the database '\(StoreLocation.redacted(path))': \(reason). Check that the path exists and is writable, or pass another with --db."
        case .cannotConnect(let path, let problem, _):
            return "cannot open the database '\(StoreLocation.redacted(path))': \(problem). Nothing was changed."
        case .databaseMissing(let path):
            return "no tracker store at '\(StoreLocation.redacted(path))'; `tracker train CONFIG` creates one (or pass another with --db PATH). Nothing was created."
        case .notADatabase(let path, let reason):
            return "'\(StoreLocation.redacted(path))' is not a usable tracker database (\(reason)). It was left untouched; pass another file with --db."
        case .databaseTooNew(let path, let version, let supported):
            return "the database '\(StoreLocation.redacted(path))' has schema version \(version), but this tracker knows versions up to \(supported). Use a newer tracker binary; the file was left untouched."
        case .migrationChanged(let path, let version, let name):
            return "migration \(version) (\(name)) applied to '\(StoreLocation.redacted(path))' differs from the one built into this tracker (checksum mismatch). The file was left untouched; use the tracker build that created it."
        case .migrationFailed(let version, let name, _):
            return "migration \(version) (\(name)) failed and was rolled back; the database is as it was. Run again with --verbose for the SQLite detail."
        case .notATrackerStore(let path, let detail):
            return "'\(StoreLocation.redacted(path))' is a \(StoreLocation.isPostgres(path) ? "PostgreSQL" : "SQLite") database of another application (\(detail)), not a tracker store. It was left untouched; pass a tracker store with --db."
        case .needsMigration(let path, let version, let name):
            return "the store '\(StoreLocation.redacted(path))' has an older schema (it lacks migration \(version), \(name)); run `tracker migrate --db \(StoreLocation.redacted(path))` to upgrade it. Nothing was changed."
        case .programmerError(let message):
            return "internal error (a bug in tracker, please report it): \(message)"
        case .runNotFound(let id, let suggestions):
            var s = "no run matches '\(id)'."
            if !suggestions.isEmpty { s += " Did you mean: \(suggestions.joined(separator: ", "))?" }
            return s + " List runs with: tracker runs"
        case .ambiguousRun(let prefix, let candidates):
            return "'\(prefix)' matches several runs: \(candidates.joined(separator: ", ")). Give more characters of the id."
        case .experimentNotFound(let name):
            return "no experiment named '\(name)'. List experiments with: tracker runs"
        case .checkpointNotFound(let run, let detail):
            return "run \(run) has no checkpoint \(detail). See: tracker checkpoints \(run)"
        case .checkpointCorrupt(let id, let expected, let actual):
            return "checkpoint \(id) is corrupt: its SHA-256 is \(actual), expected \(expected)."
        case .invalidArgument(let message):
            return message
        case .storage(let message):
            return message
        case .writerFailed(let message):
            return "writing to the database failed: \(message)"
        }
    }
}

extension TrackerError {
    /// Technical detail (SQLite's own words) that the CLI shows only with `--verbose`.
    public var detail: String? {
        switch self {
        case .migrationFailed(_, _, let reason): reason
        case .writerFailed(let message): message
        case .cannotConnect(_, _, let detail): "libpq: " + detail
        default: nil
        }
    }
}

extension SQLiteError: LocalizedError {
    /// What the user can do about it; SQLite's code, message and SQL are in `description`,
    /// shown only with `--verbose`.
    public var errorDescription: String? {
        if isFull { return "the disk is full; nothing after the last flushed batch was written. Free space and resume the run." }
        if isBusy { return "the database stayed locked by another process for \(Connection.busyTimeoutMilliseconds / 1000) s. Try again." }
        return userMessage
    }
}
