import Testing
@testable import Tracker

@Suite("Spelling suggestions")
struct SpellingTests {
    /// A word of 0–11 characters from a small alphabet (with a combining accent and an
    /// emoji, so characters, not bytes, are counted).
    func word(_ rng: inout SplitMix64) -> String {
        let alphabet: [Character] = ["a", "b", "c", ".", "_", "é", "🙂", "0"]
        return String((0..<rng.below(12)).map { _ in alphabet[rng.below(alphabet.count)] })
    }

    @Test("the edit distance is a metric bounded by the longer word, on generated words")
    func metric() {
        var rng = SplitMix64(state: 13)
        for _ in 0..<400 {
            let a = word(&rng), b = word(&rng), c = word(&rng)
            #expect(Spelling.distance(a, a) == 0)
            #expect(Spelling.distance(a, b) == Spelling.distance(b, a))
            #expect(Spelling.distance(a, b) <= max(a.count, b.count))
            #expect(Spelling.distance(a, b) >= abs(a.count - b.count))
            #expect(Spelling.distance(a, c) <= Spelling.distance(a, b) + Spelling.distance(b, c))
        }
    }

    @Test("near names the known words within two edits, sorted")
    func near() {
        #expect(Spelling.near("epocs", in: ["epochs", "seed", "epoch", "threads"]) == ["epoch", "epochs"])
        #expect(Spelling.near("zzzzzz", in: ["epochs", "seed"]).isEmpty)
        #expect(Spelling.distance("kitten", "sitting") == 3)
    }
}
