/// "Did you mean" suggestions: the one home of the edit distance behind them, for the
/// store's unknown run ids and the Trainer's unknown config keys alike.
public enum Spelling {
    /// Levenshtein distance (insertions, deletions, substitutions of characters).
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    /// The names of `known` within `maxDistance` edits of `word`, sorted.
    public static func near(_ word: String, in known: some Collection<String>, maxDistance: Int = 2) -> [String] {
        known.filter { distance($0, word) <= maxDistance }.sorted()
    }
}
