/// The bounds every filter is checked against before it reaches SQLite.
///
/// The parser itself does not recurse (an explicit stack) and AND/OR are n-ary, so walking
/// or releasing a tree recurses only as deep as `maxDepth`: the worst filters parse, compile
/// and run within a 128 KiB thread stack (the UI parses on connection threads). They keep the compiled SQL within SQLite's own limits (parser stack ≈ 30–90
/// nested parentheses, expression depth 1000, 32766 bound values, 500 compound SELECTs,
/// LIKE patterns of 50,000 bytes) and keep the time one filter costs small. A filter over a
/// limit is a `FilterError` that names the limit; it never becomes an SQLite error.
public enum FilterLimits {
    /// Longest filter text, in UTF-8 bytes.
    public static let maxBytes = 100_000
    /// Most comparisons (`field op value`) in one filter.
    public static let maxTerms = 1_000
    /// Most literal values in one filter, the members of `IN` lists included.
    public static let maxValues = 10_000
    /// Deepest nesting of parentheses and NOT.
    public static let maxDepth = 256
    /// Deepest nesting of AND/OR groups in the SQL, once NOTs are pushed down to the
    /// comparisons and redundant parentheses dropped: one level per alternation (AND inside OR
    /// inside AND …) and one per `chunk` terms of a long list. Each costs SQLite parser stack:
    /// SQLite 3.40 (a 100-entry parser stack) refuses the heaviest comparisons from 24 levels on.
    public static let maxGroupDepth = 16
    /// Longest LIKE/ILIKE pattern, in UTF-8 bytes.
    public static let maxPatternBytes = 1_000
    /// Most `%` and `_` wildcards in one LIKE/ILIKE pattern (matching time grows with them).
    public static let maxPatternWildcards = 50

    /// Operands joined flat (`a AND b AND …`) before they are grouped in parentheses: a flat
    /// chain costs SQLite expression depth, a group costs parser stack; 16 keeps both small
    /// (1,000 terms: 2 levels of parentheses).
    static let chunk = 16
}
