import Foundation

/// The mechanical differences between the store's SQL (written for SQLite, mostly portable)
/// and PostgreSQL's, applied once when a statement is prepared on a PostgreSQL connection:
///
/// - `?` placeholders become `$1…$n` (not inside quoted strings, quoted identifiers or comments);
/// - `INSERT OR IGNORE INTO …` becomes `INSERT INTO … ON CONFLICT DO NOTHING`;
/// - `x IS ?` / `x IS NOT ?` (null-safe comparisons) become `IS [NOT] DISTINCT FROM`;
/// - `LIKE x` without an `ESCAPE` gets `ESCAPE ''`: SQLite's LIKE has no escape character,
///   PostgreSQL's is a backslash.
///
/// Everything else is written portably in the store itself (`ON CONFLICT (…) DO UPDATE SET c
/// = excluded.c`, `glob(pattern, text)`, CASE instead of two-argument `max`), or takes a
/// backend-specific path there (schema inspection, integrity check, PRAGMAs).
enum PGDialect {
    static func translate(_ sql: String) -> (sql: String, parameters: Int) {
        var text = sql
        var ignore = false
        if let r = text.range(of: #"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b"#, options: [.regularExpression, .caseInsensitive]) {
            text.replaceSubrange(r, with: "INSERT INTO")
            ignore = true
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        var n = 0
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "'", "\"":
                // A quoted string or identifier; a doubled quote is an escaped one.
                out.unicodeScalars.append(c)
                i += 1
                while i < chars.count {
                    out.unicodeScalars.append(chars[i])
                    if chars[i] == c {
                        if i + 1 < chars.count && chars[i + 1] == c { out.unicodeScalars.append(chars[i + 1]); i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
            case "-" where i + 1 < chars.count && chars[i + 1] == "-":
                while i < chars.count && chars[i] != "\n" { out.unicodeScalars.append(chars[i]); i += 1 }
            case "/" where i + 1 < chars.count && chars[i + 1] == "*":
                out += "/*"
                i += 2
                while i < chars.count && !(chars[i] == "*" && i + 1 < chars.count && chars[i + 1] == "/") { out.unicodeScalars.append(chars[i]); i += 1 }
                if i < chars.count { out += "*/"; i += 2 }
            case "?":
                n += 1
                out += "$\(n)"
                i += 1
            default:
                out.unicodeScalars.append(c)
                i += 1
            }
        }
        // SQLite's null-safe `IS ?` / `IS NOT ?`.
        out = out.replacingOccurrences(of: #"\bIS\s+NOT\s+(\$[0-9]+)"#, with: "IS DISTINCT FROM $1", options: [.regularExpression, .caseInsensitive])
        out = out.replacingOccurrences(of: #"\bIS\s+(\$[0-9]+)"#, with: "IS NOT DISTINCT FROM $1", options: [.regularExpression, .caseInsensitive])
        // LIKE with a placeholder (or lower(placeholder)) and no ESCAPE clause.
        out = out.replacingOccurrences(of: #"\bLIKE\s+((?:lower\()?\$[0-9]+\)?)(?!\s*ESCAPE)"#, with: "LIKE $1 ESCAPE ''",
                                       options: [.regularExpression, .caseInsensitive])
        if ignore {
            let trimmed = out.trimmingCharacters(in: .whitespacesAndNewlines)
            out = (trimmed.hasSuffix(";") ? String(trimmed.dropLast()) : trimmed) + " ON CONFLICT DO NOTHING"
        }
        return (out, n)
    }
}
