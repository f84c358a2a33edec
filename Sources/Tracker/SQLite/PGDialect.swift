import Foundation

/// The mechanical differences between the store's SQL (written for SQLite, mostly portable)
/// and PostgreSQL's, applied once when a statement is prepared on a PostgreSQL connection:
///
/// - `?` placeholders become `$1…$n` (not inside quoted strings, quoted identifiers or comments);
/// - `?NNN` becomes `$NNN`; a blob literal `x'0A'` becomes `'\x0A'::bytea`;
/// - `INSERT OR IGNORE INTO …` becomes `INSERT INTO … ON CONFLICT DO NOTHING`;
/// - `x IS ?` / `x IS NOT ?` (null-safe comparisons) become `IS [NOT] DISTINCT FROM`;
/// - `LIKE x` without an `ESCAPE` gets `ESCAPE ''`: SQLite's LIKE has no escape character,
///   PostgreSQL's is a backslash.
///
/// Everything else is written portably in the store itself (`ON CONFLICT (…) DO UPDATE SET c
/// = excluded.c`, `glob(pattern, text)`, CASE instead of two-argument `max`), or takes a
/// backend-specific path there (schema inspection, integrity check, PRAGMAs).
enum PGDialect {
    /// Whether the character before the last one of `text` continues an identifier (so an
    /// `x` there is part of a name, not a blob literal's prefix).
    static func identifierCharacterBefore(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard scalars.count >= 2 else { return false }
        let c = scalars[scalars.index(scalars.endIndex, offsetBy: -2)]
        return c == "_" || CharacterSet.alphanumerics.contains(c)
    }

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
            case "'" where (out.hasSuffix("x") || out.hasSuffix("X")) && !PGDialect.identifierCharacterBefore(out):
                // A blob literal x'0A0B' is bytea '\x0A0B'.
                out.removeLast()
                out += "'\\x"
                i += 1
                while i < chars.count && chars[i] != "'" { out.unicodeScalars.append(chars[i]); i += 1 }
                out += "'::bytea"
                i += 1
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
                // `?` is the next parameter, `?NNN` the NNN-th (SQLite's numbered form).
                var j = i + 1
                var number = 0
                while j < chars.count, let d = Int(String(chars[j])), chars[j].isASCII, number < 100_000 { number = number * 10 + d; j += 1 }
                if j > i + 1 {
                    out += "$\(number)"
                    n = max(n, number)
                    i = j
                } else {
                    n += 1
                    out += "$\(n)"
                    i += 1
                }
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
