import Foundation

/// MLflow's search-runs over tracker's filter language.
///
/// MLflow's filter syntax is a subset of tracker's (`metrics.acc > 0.9 and params.lr =
/// '0.01' and tags.k = 'v' and attributes.status = 'FINISHED'`); tracker's OR, parentheses
/// and IN work too. What differs is translated on the parsed tree, never in the text:
/// MLflow statuses (KILLED → interrupted, see `mlflowStatusLiterals`), 32-hex run ids (→ tracker's 8-hex id) and
/// `start_time`/`end_time` in milliseconds (→ seconds).
extension Store {
    public func mlflowSearchRuns(experimentIDs: [String], filter: String?, view: MLflowViewType, orderBy: [String],
                                 limit: Int, offset: Int) throws -> (runs: [MLflowRun], next: Int?) {
        guard !experimentIDs.isEmpty else { return ([], nil) }
        var experiments: [Int64] = []
        for id in experimentIDs {
            if id == "0", try db.first("SELECT id FROM experiments WHERE name = ?", [.text(Store.mlflowDefaultExperiment)], { $0.int(0) }) == nil { continue }
            experiments.append(try experimentSeq(mlflowID: id))
        }
        guard !experiments.isEmpty else { return ([], nil) }
        var sql = "SELECT r.seq FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.experiment_id IN ("
            + Array(repeating: "?", count: experiments.count).joined(separator: ",") + ")"
        var args: [SQLValue] = experiments.map { .integer($0) }
        switch view {
        case .activeOnly: sql += " AND r.deleted_at IS NULL"
        case .deletedOnly: sql += " AND r.deleted_at IS NOT NULL"
        case .all: break
        }
        if let filter, !filter.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            guard filter.utf8.count <= 16_384 else { throw MLflowError.invalid("filter is longer than 16384 bytes") }
            let parsed: FilterExpression
            do { parsed = try FilterParser.parse(Store.mlflowStatusLiterals(filter)) } catch let e as FilterError {
                throw MLflowError.invalid("bad filter: \(e.errorDescription ?? e.message)")
            }
            let compiled: CompiledFilter
            do { compiled = try FilterCompiler.compile(Store.mlflowTranslate(parsed), filter: filter) } catch let e as FilterError {
                throw MLflowError.invalid("bad filter: \(e.errorDescription ?? e.message)")
            }
            sql += " AND (\(compiled.sql))"
            args += compiled.values
        }
        sql += " ORDER BY "
        for term in orderBy.prefix(16) {
            let order = try Store.mlflowOrder(term).orderBy()
            sql += order.sql + ", "
            args += order.values
        }
        sql += "r.started_at DESC, r.uuid ASC LIMIT ? OFFSET ?"
        args += [.int(limit + 1), .int(offset)]
        let seqs = try db.prepare(sql).rows(args) { $0.int(0) }
        let runs = try mlflowRuns(seqs: Array(seqs.prefix(limit)))
        return (runs, seqs.count > limit ? offset + limit : nil)
    }

    /// The filter text with MLflow-only status literals after a `status` field (`'KILLED'`,
    /// `'SCHEDULED'`) spelled as tracker's (`'interrupted'`, `'running'`): the parser checks
    /// status values itself, so this one translation happens on the tokens' positions, before
    /// parsing. Anything it cannot tokenise is left for the parser to report.
    static func mlflowStatusLiterals(_ text: String) -> String {
        guard let tokens = try? FilterLexer.tokens(text) else { return text }
        var chars = Array(text), replacements: [(Int, String)] = []
        var afterStatus = false
        for t in tokens {
            switch t.kind {
            case .word(let w):
                let field = w.lowercased().split(separator: ".").last.map(String.init) ?? ""
                let prefix = w.lowercased().split(separator: ".").dropLast().joined(separator: ".")
                if field == "status" && (prefix.isEmpty || ["attributes", "attribute", "attr", "run"].contains(prefix)) { afterStatus = true }
                else if !["in", "not"].contains(w.lowercased()) { afterStatus = false }
            case .string(let v), .doubleQuoted(let v):
                if afterStatus, let status = try? MLflowStatus.tracker(v), v.uppercased() == "KILLED" || v.uppercased() == "SCHEDULED" {
                    replacements.append((t.column - 1, status.rawValue))
                }
            case .op, .leftParen, .comma: break
            default: afterStatus = false
            }
        }
        for (start, value) in replacements.reversed() where start < chars.count {
            let quote = chars[start]
            guard let end = chars[(start + 1)...].firstIndex(of: quote) else { continue }
            chars.replaceSubrange(start...end, with: Array("'\(value)'"))
        }
        return String(chars)
    }

    /// `metrics.acc DESC`, `attributes.start_time`, `params.lr ASC` → a `RunSort`.
    static func mlflowOrder(_ term: String) throws -> RunSort {
        var text = term.trimmingCharacters(in: .whitespaces)
        var descending = false
        let upper = text.uppercased()
        if upper.hasSuffix(" DESC") { descending = true; text = String(text.dropLast(5)) } else if upper.hasSuffix(" ASC") { text = String(text.dropLast(4)) }
        text = text.trimmingCharacters(in: .whitespaces)
        do {
            return RunSort(field: try FilterParser.parseField(text), descending: descending)
        } catch let e as FilterError {
            throw MLflowError.invalid("bad order_by '\(term.prefix(200))': \(e.errorDescription ?? e.message)")
        }
    }

    static func mlflowTranslate(_ e: FilterExpression) -> FilterExpression {
        switch e {
        case .and(let terms): return .and(terms.map(mlflowTranslate))
        case .or(let terms): return .or(terms.map(mlflowTranslate))
        case .not(let a): return .not(mlflowTranslate(a))
        case .comparison(var c):
            guard case .attribute(let a) = c.field else { return .comparison(c) }
            switch a {
            case .id, .parent:
                // A run id as MLflow clients know it is the 32-hex uuid; tracker's id is its first 8.
                c.values = c.values.map { v in
                    let t = v.text.lowercased()
                    return t.utf8.count == 32 && t.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) ? .string(String(t.prefix(8))) : v
                }
            case .start, .end:
                c.values = c.values.map { v in
                    if case .number(let d, _) = v { let s = d / 1000; return .number(s, String(s)) }
                    return v
                }
            default: break
            }
            return .comparison(c)
        }
    }
}
