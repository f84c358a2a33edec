extension FilterParser {
    /// Reads a field: an attribute, or `params.` / `metrics.` / `tags.` and a key.
    mutating func field() throws -> (FilterField, FilterToken) {
        let start = advance()
        guard case .word(let word) = start.kind else {
            throw error(.unexpectedToken, "expected a field (params.KEY, metrics.KEY, tags.KEY, status, name, experiment…), found \(start.display)", at: start)
        }
        let prefix: String, key: String, quoted: Bool
        if word.hasSuffix(".") {
            // `params.` followed by a quoted key.
            prefix = String(word.dropLast())
            switch peek.kind {
            case .backtickKey(let k), .doubleQuoted(let k): key = k; _ = advance()
            default: throw error(.unexpectedToken, "expected a key after '\(word)', found \(peek.display)", at: peek)
            }
            quoted = true
        } else if let dot = word.firstIndex(of: ".") {
            prefix = String(word[..<dot])
            key = String(word[word.index(after: dot)...])
            quoted = false
        } else {
            if let attribute = RunAttribute.named(word) { return (.attribute(attribute), start) }
            throw unknownField(word, at: start)
        }
        guard !key.isEmpty else { throw error(.unknownField, "'\(word)' needs a key after the dot", at: start) }
        switch prefix.lowercased() {
        case "params", "param", "parameters":
            return (.param(key), start)
        case "tags", "tag":
            return (.tag(key), start)
        case "attributes", "attribute", "attr", "run":
            if let attribute = RunAttribute.named(key) { return (.attribute(attribute), start) }
            throw unknownField(word, at: start)
        case "metrics", "metric":
            let (name, aggregate) = try metricKey(key, quoted: quoted, at: start)
            return (.metric(name, aggregate), start)
        default:
            throw unknownField(word, at: start)
        }
    }

    /// Splits an aggregate (`.min`, `.max`, `.last`) off a metric key; after a quoted key
    /// the aggregate is the next token.
    private mutating func metricKey(_ key: String, quoted: Bool, at token: FilterToken) throws -> (String, MetricAggregate) {
        if quoted {
            guard case .word(let suffix) = peek.kind, suffix.hasPrefix(".") else { return (key, .last) }
            guard let aggregate = MetricAggregate(rawValue: String(suffix.dropFirst()).lowercased()) else {
                throw error(.unknownField, "unknown metric summary '\(suffix)'; use .min, .max or .last", at: peek)
            }
            _ = advance()
            return (key, aggregate)
        }
        if let dot = key.lastIndex(of: "."), let aggregate = MetricAggregate(rawValue: key[key.index(after: dot)...].lowercased()) {
            let base = String(key[..<dot])
            guard !base.isEmpty else { throw error(.unknownField, "'metrics.\(key)' needs a metric key", at: token) }
            return (base, aggregate)
        }
        return (key, .last)
    }

    private func unknownField(_ word: String, at token: FilterToken) -> FilterError {
        let attributes = RunAttribute.allCases.map(\.rawValue).joined(separator: ", ")
        return error(.unknownField, "unknown field '\(word)'; use params.KEY, metrics.KEY[.min|.max], tags.KEY or one of \(attributes)", at: token)
    }

    /// Rejects comparisons that cannot mean anything (text against a metric, an unknown status…).
    func check(_ c: FilterComparison, opToken: FilterToken, valueTokens: [FilterToken]) throws {
        if c.op.isPattern, let pattern = c.values.first, let token = valueTokens.first { try checkPattern(pattern.text, c.op, at: token) }
        switch c.field {
        case .metric:
            if c.op.isPattern { throw error(.unsupportedOperator, "\(c.op.rawValue) needs text, but \(c.field.display) is a number", at: opToken) }
            for (v, t) in zip(c.values, valueTokens) {
                if case .string = v { throw error(.typeMismatch, "\(c.field.display) is a number; compare it with a number, not \(t.display)", at: t) }
            }
        case .attribute(let a) where a.isNumeric:
            if c.op.isPattern { throw error(.unsupportedOperator, "\(c.op.rawValue) needs text, but \(a.rawValue) is a number", at: opToken) }
            for (v, t) in zip(c.values, valueTokens) {
                if case .string = v { throw error(.typeMismatch, "\(a.rawValue) is a number; compare it with a number, not \(t.display)", at: t) }
            }
        case .attribute(let a) where (a == .status || a == .origin) && !c.op.isPattern:
            let allowed = a == .status ? RunStatus.allCases.map(\.rawValue) : RunOrigin.allCases.map(\.rawValue)
            for (v, t) in zip(c.values, valueTokens) where !allowed.contains(v.text.lowercased()) {
                throw error(.invalidValue, "\(a.rawValue) is one of \(allowed.joined(separator: ", ")), not \(t.display)", at: t)
            }
        case .param, .tag, .attribute:
            break
        }
    }

    /// Refuses a LIKE pattern SQLite would call "too complex" (over 50,000 bytes) or that
    /// would take long to match, before any SQL runs. LIKE becomes GLOB, whose escapes are longer.
    private func checkPattern(_ pattern: String, _ op: FilterOperator, at token: FilterToken) throws {
        let sent = op == .like || op == .notLike ? FilterCompiler.glob(fromLike: pattern) : pattern
        let bytes = sent.utf8.count
        guard bytes <= FilterLimits.maxPatternBytes else {
            throw error(.patternTooComplex, "the \(op.rawValue) pattern is too long (\(bytes) bytes; at most \(FilterLimits.maxPatternBytes))", at: token)
        }
        let wildcards = pattern.reduce(0) { $0 + ($1 == "%" || $1 == "_" ? 1 : 0) }
        guard wildcards <= FilterLimits.maxPatternWildcards else {
            throw error(.patternTooComplex, "the \(op.rawValue) pattern has \(wildcards) wildcards (% and _); at most \(FilterLimits.maxPatternWildcards)", at: token)
        }
    }
}
