import Foundation

/// The run store: one SQLite file holding experiments, runs and everything they record.
///
/// A `Store` owns one connection and is used from one thread at a time. Recording goes
/// through `RunRecorder`s, which write on their own background connection.
public final class Store {
    public let path: String
    /// `path` fit to print: a PostgreSQL URL without its password.
    public var displayPath: String { StoreLocation.redacted(path) }
    /// Whether the store is a PostgreSQL database (`path` is a `postgresql://` URL).
    public var isPostgres: Bool { db.isPostgres }
    public let readOnly: Bool
    let db: Connection

    /// Opens the store at `path` for `access` (see `Store.Access`): the file is inspected
    /// read-only first, and only a tracker store (or, for `.record`, a missing or empty file)
    /// is ever opened for writing.
    public init(path: String, access: Access) throws {
        self.path = path
        self.readOnly = access == .read
        let inspection = try Store.inspect(path: path)
        switch inspection.kind {
        case .missing, .empty:
            guard access == .record else { throw TrackerError.databaseMissing(path: path) }
        case .foreign(let detail):
            throw TrackerError.notATrackerStore(path: path, detail: detail)
        case .tracker:
            break
        }
        if access == .read {
            guard let reader = inspection.connection else { throw TrackerError.databaseMissing(path: path) }
            try Migrator.verify(reader)
            db = reader
            return
        }
        inspection.connection = nil  // closed before the writer opens: no reader lingers on a file being migrated
        db = try Connection(path: path, mode: .readWrite)
        try Migrator.migrate(db)
        try markCrashedRuns()
    }

    /// Opens (creating and migrating when needed) the database at `path`, or, with
    /// `readOnly`, an existing store for reading only (`Access.read`).
    public convenience init(path: String, readOnly: Bool = false) throws {
        try self.init(path: path, access: readOnly ? .read : .record)
    }

    /// Applies pending schema migrations to an existing tracker store and nothing else (no
    /// run is touched); returns the `(version, name)` of each one applied, none when the
    /// file was up to date. A missing, empty or foreign file is refused untouched.
    @discardableResult
    public static func migrate(path: String) throws -> [(version: Int, name: String)] {
        let inspection = try inspect(path: path)
        switch inspection.kind {
        case .missing, .empty: throw TrackerError.databaseMissing(path: path)
        case .foreign(let detail): throw TrackerError.notATrackerStore(path: path, detail: detail)
        case .tracker: break
        }
        guard let reader = inspection.connection, try !Migrator.pending(reader, Migration.embedded(for: reader)).isEmpty else { return [] }
        inspection.connection = nil
        let db = try Connection(path: path, mode: .readWrite)
        return try Migrator.migrate(db).map { ($0.version, $0.name) }
    }

    /// `migrate(path:)`, answering only whether anything was applied.
    @discardableResult
    public static func upgradeSchema(path: String) throws -> Bool { try !migrate(path: path).isEmpty }

    /// The schema version of the file (the highest applied migration).
    public func schemaVersion() throws -> Int {
        try Migrator.appliedMigrations(db).map(\.version).max() ?? 0
    }

    /// The newest schema version this binary knows.
    public static var supportedSchemaVersion: Int { Migration.embedded.map(\.version).max() ?? 0 }

    /// `PRAGMA integrity_check`: "ok" for a healthy file. On PostgreSQL, which checks its own
    /// pages, "ok" once the bookkeeping and every run's experiment read back (a cheap check
    /// that the server answers and the schema is tracker's; `amcheck` is the deep one).
    public func integrityCheck() throws -> String {
        if db.isPostgres {
            _ = try Migrator.appliedMigrations(db)
            let orphans = try db.first("SELECT count(*) FROM runs r LEFT JOIN experiments e ON e.id = r.experiment_id WHERE e.id IS NULL", []) { $0.int(0) } ?? 0
            return orphans == 0 ? "ok" : "\(orphans) run\(orphans == 1 ? "" : "s") without an experiment"
        }
        return try db.query("PRAGMA integrity_check") { $0.text(0) }.joined(separator: "\n")
    }

    func requireWritable() throws {
        if readOnly { throw TrackerError.invalidArgument("the store at '\(path)' is open read-only") }
    }

    // MARK: experiments

    /// The id of the experiment called `name`, created when missing.
    @discardableResult
    public func experiment(named name: String) throws -> Int64 {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw TrackerError.invalidArgument("an experiment needs a non-empty name") }
        if let id = try db.first("SELECT id FROM experiments WHERE name = ?", [.text(trimmed)], { $0.int(0) }) { return id }
        try requireWritable()
        try db.run("INSERT OR IGNORE INTO experiments (name, created_at) VALUES (?, ?)", [.text(trimmed), .real(Date().timeIntervalSince1970)])
        guard let id = try db.first("SELECT id FROM experiments WHERE name = ?", [.text(trimmed)], { $0.int(0) }) else {
            throw TrackerError.storage("could not create the experiment '\(trimmed)'")
        }
        return id
    }

    /// All experiment names, oldest first.
    public func experiments() throws -> [String] {
        try db.query("SELECT name FROM experiments ORDER BY created_at, id") { $0.text(0) }
    }

    // MARK: runs

    /// Records a new run (status `running`) and returns its recorder.
    ///
    /// The config is stored canonically with its SHA-256; its flattened leaves become params.
    public func startRun(_ start: RunStart, batchSize: Int = RecordBatch.defaultLimit) throws -> RunRecorder {
        try requireWritable()
        let experimentID = try experiment(named: start.experiment)
        var parentSeq: Int64?
        if let parent = start.parent { parentSeq = try parent.runRef(in: self).seq }
        let now = Date().timeIntervalSince1970
        var attempt = 0
        while true {
            let uuid = Store.randomUUIDHex()
            let shortID = String(uuid.prefix(8))
            do {
                let seq: Int64 = try db.transaction(.immediate) {
                    try db.run("""
                        INSERT INTO runs (id, uuid, experiment_id, name, status, created_at, started_at, seed, config, config_hash,
                                          environment, parent_seq, origin, pid, host, heartbeat_at)
                        VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [.text(shortID), .text(uuid), .integer(experimentID), .text(start.name), .real(now), .real(now),
                         .integer(Int64(bitPattern: start.seed)), .text(start.config.canonical), .text(start.config.canonicalHash),
                         .text(start.environment.canonical), parentSeq.map { .integer($0) } ?? .null, .text(start.origin.rawValue),
                         .int(Liveness.pid), .text(Liveness.hostName), .real(now)])
                    let seq = db.lastInsertRowID
                    try insertParams(start.config.flattened().map { ($0.key, ParamValue($0.value)) }, runSeq: seq)
                    return seq
                }
                return try RunRecorder(path: path, run: RunRef(seq: seq, id: shortID), batchSize: batchSize)
            } catch let e as SQLiteError where e.isConstraint && attempt < 8 {
                attempt += 1  // short-id collision: draw another id
            }
        }
    }

    /// Rebuilds `latest_metrics` of one run from its series.
    func recomputeSummaries(runSeq: Int64) throws {
        try Store.recomputeSummaries(db: db, runSeq: runSeq, keyID: nil)
    }

    /// Rebuilds `latest_metrics` of one run (one key of it, when given) from its series.
    static func recomputeSummaries(db: Connection, runSeq: Int64, keyID: Int64?) throws {
        let s: SQLValue = .integer(runSeq)
        let keyTest = keyID == nil ? "" : " AND key_id = ?"
        let keyArgs: [SQLValue] = keyID.map { [.integer($0)] } ?? []
        try db.run("DELETE FROM latest_metrics WHERE run_seq = ?" + keyTest, [s] + keyArgs)
        try db.run("""
            INSERT INTO latest_metrics (run_seq, key_id, last_step, last_epoch, last_value, min_value, min_step, max_value, max_step, count, nan_count)
            SELECT m.run_seq, m.key_id, m.step, m.epoch, m.value,
                   (SELECT min(value) FROM metrics WHERE run_seq = m.run_seq AND key_id = m.key_id),
                   (SELECT step FROM metrics WHERE run_seq = m.run_seq AND key_id = m.key_id AND value IS NOT NULL ORDER BY value ASC, step ASC LIMIT 1),
                   (SELECT max(value) FROM metrics WHERE run_seq = m.run_seq AND key_id = m.key_id),
                   (SELECT step FROM metrics WHERE run_seq = m.run_seq AND key_id = m.key_id AND value IS NOT NULL ORDER BY value DESC, step ASC LIMIT 1),
                   (SELECT count(*) FROM metrics WHERE run_seq = m.run_seq AND key_id = m.key_id),
                   (SELECT count(*) FROM metrics WHERE run_seq = m.run_seq AND key_id = m.key_id AND value IS NULL)
            FROM metrics m
            WHERE m.run_seq = ? AND m.step = (SELECT max(step) FROM metrics WHERE run_seq = m.run_seq AND key_id = m.key_id)
            """ + (keyID == nil ? "" : " AND m.key_id = ?"), [s] + keyArgs)
    }

    func insertParams(_ params: [(String, ParamValue)], runSeq: Int64) throws {
        try Store.insertParams(params, runSeq: runSeq, db: db)
    }

    static func insertParams(_ params: [(String, ParamValue)], runSeq: Int64, db: Connection) throws {
        guard !params.isEmpty else { return }
        // The run's params read once (not one SELECT a param: each is a round trip on
        // PostgreSQL); every one is checked before anything is written.
        var existing: [String: ParamValue] = [:]
        for (key, value) in try db.query("SELECT key, type, value_text, value_num FROM params WHERE run_seq = ?", [.integer(runSeq)], {
            ($0.text(0), ParamValue.decode(type: $0.text(1), text: $0.text(2), number: $0.optionalDouble(3)))
        }) { existing[key] = value }
        var fresh: [[SQLValue]] = []
        for (key, value) in params {
            if let old = existing[key] {
                if old == value || (old.description == value.description) { continue }
                throw TrackerError.invalidArgument("param '\(key)' is already logged as \(old) and params are immutable; cannot change it to \(value)")
            }
            existing[key] = value
            fresh.append([.integer(runSeq), .text(key), .text(value.typeName), .text(value.description), value.number.map { $0.isNaN ? .null : .real($0) } ?? .null])
        }
        try db.insertRows("INSERT INTO params (run_seq, key, type, value_text, value_num) VALUES ", width: 5, rows: fresh)
    }

    /// Marks runs left `running` by a process that is provably gone as `crashed`, with an
    /// event. Only writers call it (on open); readers derive the same status without writing
    /// (`Liveness.readStatus`), so both agree on every run.
    @discardableResult
    public func markCrashedRuns() throws -> [String] {
        try requireWritable()
        let now = Date().timeIntervalSince1970
        let candidates = try db.query("SELECT seq, id, pid, host, heartbeat_at FROM runs WHERE status = 'running'") {
            (seq: $0.int(0), id: $0.text(1), pid: $0.optionalInt(2).map { Int($0) }, host: $0.optionalText(3), heartbeat: $0.optionalDouble(4))
        }
        var crashed: [String] = []
        for c in candidates where Liveness.isProvablyDead(ProcessHolder(pid: c.pid, host: c.host, heartbeat: c.heartbeat), now: now) {
            try db.transaction(.immediate) {
                // Re-check under the lock: the run may have finished meanwhile.
                // Re-check the holder too: a resume may have taken the run over since the read.
                try db.run("UPDATE runs SET status = 'crashed', ended_at = coalesce(heartbeat_at, ?) WHERE seq = ? AND status = 'running' AND pid IS ? AND host IS ? AND heartbeat_at IS ?",
                           [.real(now), .integer(c.seq), c.pid.map { .int($0) } ?? .null, c.host.map { .text($0) } ?? .null, c.heartbeat.map { .real($0) } ?? .null])
                if db.changes > 0 {
                    let event = Liveness.crashEvent(ProcessHolder(pid: c.pid, host: c.host, heartbeat: c.heartbeat), now: now)
                    try db.run("INSERT INTO events (run_seq, kind, level, message, created_at) VALUES (?, ?, ?, ?, ?)",
                               [.integer(c.seq), .text(event.kind), .text(event.level.rawValue), .text(event.message), .real(event.createdAt)])
                    crashed.append(c.id)
                }
            }
        }
        return crashed
    }

    static func randomUUIDHex() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }.hexString
    }
}
