import Foundation

/// Experiments for MLflow clients: create, read, rename, delete, restore, search, tags.
/// Each write is one transaction, committed before the call returns.
extension Store {
    /// MLflow's default experiment, id "0" (clients log there when given none).
    public static let mlflowDefaultExperiment = "Default"

    private static let experimentColumns = "id, name, created_at, updated_at, deleted_at"

    private func experimentRow(_ row: Row) -> (id: Int64, name: String, created: Double, updated: Double?, deleted: Bool) {
        (row.int(0), row.text(1), row.double(2), row.optionalDouble(3), !row.isNull(4))
    }

    /// The MLflow id of a tracker experiment.
    func mlflowExperimentID(id: Int64, name: String) -> String {
        name == Store.mlflowDefaultExperiment ? "0" : String(id)
    }

    /// The tracker id of an MLflow experiment id ("0" is `Default`, created when missing).
    func experimentSeq(mlflowID: String) throws -> Int64 {
        if mlflowID == "0" {
            try requireWritable()
            return try experiment(named: Store.mlflowDefaultExperiment)
        }
        guard mlflowID.utf8.count <= 19, let id = Int64(mlflowID), id > 0,
              try db.first("SELECT 1 FROM experiments WHERE id = ?", [.integer(id)], { $0.int(0) }) != nil else {
            throw MLflowError.missing("no experiment with id '\(mlflowID.prefix(64))'")
        }
        return id
    }

    private func mlflowExperiment(seq: Int64) throws -> MLflowExperiment {
        guard let e = try db.first("SELECT \(Store.experimentColumns) FROM experiments WHERE id = ?", [.integer(seq)], experimentRow) else {
            throw MLflowError.missing("no experiment with id \(seq)")
        }
        let tags = Dictionary(try db.query("SELECT key, value FROM experiment_tags WHERE experiment_id = ?", [.integer(seq)]) { ($0.text(0), $0.text(1)) },
                              uniquingKeysWith: { a, _ in a })
        let created = e.created.mlflowMilliseconds ?? 0
        return MLflowExperiment(id: mlflowExperimentID(id: e.id, name: e.name), name: e.name, lifecycleStage: e.deleted ? "deleted" : "active",
                                creationTime: created, lastUpdateTime: e.updated?.mlflowMilliseconds ?? created, tags: tags)
    }

    /// Creates an experiment; an existing name (deleted ones included) is refused.
    public func mlflowCreateExperiment(name: String, tags: [(String, String)] = []) throws -> String {
        try requireWritable()
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw MLflowError.invalid("an experiment needs a non-empty name") }
        guard trimmed.utf8.count <= 500 else { throw MLflowError.invalid("an experiment name is at most 500 bytes") }
        for (k, v) in tags { try Store.checkTag(k, v) }
        return try db.transaction(.immediate) {
            if try db.first("SELECT 1 FROM experiments WHERE name = ?", [.text(trimmed)], { $0.int(0) }) != nil {
                throw MLflowError(.resourceAlreadyExists, "an experiment named '\(trimmed)' already exists")
            }
            let now = Date().timeIntervalSince1970
            try db.run("INSERT INTO experiments (name, created_at, updated_at) VALUES (?, ?, ?)", [.text(trimmed), .real(now), .real(now)])
            let id = db.lastInsertRowID
            for (k, v) in tags { try setExperimentTag(id, k, v) }
            return mlflowExperimentID(id: id, name: trimmed)
        }
    }

    /// The experiment with MLflow id `id` (deleted ones too).
    public func mlflowExperiment(id: String) throws -> MLflowExperiment {
        try mlflowExperiment(seq: try experimentSeq(mlflowID: id))
    }

    /// The experiment called `name` (deleted ones too).
    public func mlflowExperiment(named name: String) throws -> MLflowExperiment {
        if name == Store.mlflowDefaultExperiment { return try mlflowExperiment(id: "0") }
        guard let id = try db.first("SELECT id FROM experiments WHERE name = ?", [.text(name)], { $0.int(0) }) else {
            throw MLflowError.missing("no experiment named '\(name.prefix(200))'")
        }
        return try mlflowExperiment(seq: id)
    }

    /// Renames an experiment (to a name no other experiment has).
    public func mlflowRenameExperiment(id: String, to newName: String) throws {
        try requireWritable()
        let name = newName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.utf8.count <= 500 else { throw MLflowError.invalid("new_name must be a non-empty name of at most 500 bytes") }
        let seq = try experimentSeq(mlflowID: id)
        try db.transaction(.immediate) {
            if let other = try db.first("SELECT id FROM experiments WHERE name = ?", [.text(name)], { $0.int(0) }), other != seq {
                throw MLflowError(.resourceAlreadyExists, "an experiment named '\(name)' already exists")
            }
            try db.run("UPDATE experiments SET name = ?, updated_at = ? WHERE id = ?", [.text(name), .real(Date().timeIntervalSince1970), .integer(seq)])
        }
    }

    /// Marks an experiment deleted (`deleted`) or active again; its runs follow, as in MLflow.
    public func mlflowSetExperimentDeleted(id: String, _ deleted: Bool) throws {
        try requireWritable()
        let seq = try experimentSeq(mlflowID: id)
        if deleted && id == "0" { throw MLflowError.invalid("the default experiment '0' cannot be deleted") }
        let now = Date().timeIntervalSince1970
        try db.transaction(.immediate) {
            try db.run("UPDATE experiments SET deleted_at = ?, updated_at = ? WHERE id = ?", [deleted ? .real(now) : .null, .real(now), .integer(seq)])
            if deleted {
                try db.run("UPDATE runs SET deleted_at = ? WHERE experiment_id = ? AND deleted_at IS NULL", [.real(now), .integer(seq)])
            } else {
                try db.run("UPDATE runs SET deleted_at = NULL WHERE experiment_id = ? AND deleted_at IS NOT NULL", [.integer(seq)])
            }
        }
    }

    /// Sets a tag on an experiment.
    public func mlflowSetExperimentTag(id: String, key: String, value: String) throws {
        try requireWritable()
        try Store.checkTag(key, value)
        let seq = try experimentSeq(mlflowID: id)
        try db.transaction(.immediate) { try setExperimentTag(seq, key, value) }
    }

    private func setExperimentTag(_ seq: Int64, _ key: String, _ value: String) throws {
        try db.run("INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
                   [.integer(seq), .text(key), .text(value)])
    }

    /// Experiments in `view`, newest first, whose name passes `nameTest` (SQL over `name`,
    /// from `MLflowExperimentFilter`), one page: `offset` and at most `limit`.
    public func mlflowSearchExperiments(view: MLflowViewType, filter: MLflowExperimentFilter, orderByNameFirst: Bool = false,
                                        limit: Int, offset: Int) throws -> (experiments: [MLflowExperiment], next: Int?) {
        var sql = "SELECT id FROM experiments x WHERE TRUE"
        switch view {
        case .activeOnly: sql += " AND deleted_at IS NULL"
        case .deletedOnly: sql += " AND deleted_at IS NOT NULL"
        case .all: break
        }
        let (test, values) = filter.sql()
        sql += test
        sql += orderByNameFirst ? " ORDER BY name ASC, id ASC" : " ORDER BY created_at DESC, id DESC"
        sql += " LIMIT ? OFFSET ?"
        let ids = try db.query(sql, values + [.int(limit + 1), .int(offset)]) { $0.int(0) }
        let page = try ids.prefix(limit).map { try mlflowExperiment(seq: $0) }
        return (page, ids.count > limit ? offset + limit : nil)
    }

    static func checkTag(_ key: String, _ value: String) throws {
        guard !key.isEmpty, key.utf8.count <= MLflowLimits.keyLength else {
            throw MLflowError.invalid("a tag key must be 1 to \(MLflowLimits.keyLength) bytes")
        }
        guard value.utf8.count <= MLflowLimits.tagValueLength else {
            throw MLflowError.invalid("the value of tag '\(key)' is longer than \(MLflowLimits.tagValueLength) bytes")
        }
    }
}

/// MLflow's experiment filter: `name = 'x'`, `name LIKE 'x%'`, `name ILIKE`, `name !=`,
/// `tags.k = 'v'` … joined by AND (what `search_experiments` accepts).
public struct MLflowExperimentFilter: Sendable {
    struct Term { var tag: String?; var op: String; var value: String }
    var terms: [Term] = []

    public init(_ text: String?) throws {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        guard text.utf8.count <= 4096 else { throw MLflowError.invalid("filter is longer than 4096 bytes") }
        // The value is a quoted string; ANDs inside quotes are not split.
        let pattern = #"^\s*(?:(?:attributes\.)?(name)|tags?\.(`[^`]+`|"[^"]+"|[\w.\-/]+))\s*(=|!=|LIKE|ILIKE)\s*('(?:[^']|'')*'|"(?:[^"])*")\s*(?:$|AND\s+)"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return }
        var rest = text
        while !rest.trimmingCharacters(in: .whitespaces).isEmpty {
            let ns = rest as NSString
            guard let m = regex.firstMatch(in: rest, range: NSRange(location: 0, length: ns.length)) else {
                throw MLflowError.invalid("cannot read the experiment filter '\(text.prefix(200))': use name = 'x', name LIKE 'x%' or tags.KEY = 'v', joined by AND")
            }
            func group(_ i: Int) -> String? { m.range(at: i).location == NSNotFound ? nil : ns.substring(with: m.range(at: i)) }
            var tag = group(2)
            if let t = tag, t.count >= 2, t.first == "`" || t.first == "\"" { tag = String(t.dropFirst().dropLast()) }
            let quoted = group(4) ?? "''"
            let value = String(quoted.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
            terms.append(Term(tag: tag, op: (group(3) ?? "=").uppercased(), value: value))
            rest = ns.substring(from: m.range.location + m.range.length)
        }
    }

    func sql() -> (String, [SQLValue]) {
        var sql = "", values: [SQLValue] = []
        for t in terms {
            let column: String
            if let tag = t.tag {
                column = "(SELECT value FROM experiment_tags WHERE experiment_id = x.id AND key = ?)"
                values.append(.text(tag))
            } else {
                column = "x.name"
            }
            switch t.op {
            case "LIKE": sql += " AND glob(?, \(column))"; values.append(.text(FilterCompiler.glob(fromLike: t.value)))
            case "ILIKE": sql += " AND glob(?, lower(\(column)))"; values.append(.text(FilterCompiler.glob(fromLike: t.value.lowercased())))
            case "!=": sql += " AND \(column) != ?"; values.append(.text(t.value))
            default: sql += " AND \(column) = ?"; values.append(.text(t.value))
            }
        }
        return (sql, values)
    }
}
