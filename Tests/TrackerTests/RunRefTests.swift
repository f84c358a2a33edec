import Foundation
import Testing
@testable import Tracker

@Suite("Resolving a run once")
struct RunRefTests {
    /// Random strings over hex digits, their upper case, `LIKE` wildcards, the escape
    /// character, quotes, control characters, non-ASCII and the highest scalar.
    static func hostileNeedle(_ rng: inout SplitMix64) -> String {
        let pool: [Unicode.Scalar] = Array("0123456789abcdefABCDEF%_\\'\" \t-\u{0}\u{7f}é精🎯".unicodeScalars) + ["\u{10FFFF}", "\u{D7FF}", "\u{E000}"]
        var out = String.UnicodeScalarView()
        for _ in 0..<(1 + rng.below(12)) { out.append(pool[rng.below(pool.count)]) }
        return String(out)
    }

    @Test("the successor bound holds exactly the strings that start with the prefix (seeded random strings)")
    func successorIsPrefixRange() {
        var rng = SplitMix64(state: 13)
        for _ in 0..<2_000 {
            let prefix = RunRefTests.hostileNeedle(&rng), other = RunRefTests.hostileNeedle(&rng)
            let upper = RunRef.successor(ofPrefix: prefix)
            // SQLite's BINARY collation compares UTF-8 bytes.
            let bytes = Array(other.utf8), lo = Array(prefix.utf8)
            let inRange = !bytes.lexicographicallyPrecedes(lo) && (upper.map { bytes.lexicographicallyPrecedes(Array($0.utf8)) } ?? true)
            #expect(inRange == bytes.starts(with: lo), "\(prefix.debugDescription) vs \(other.debugDescription)")
            let extended = prefix + other
            #expect(upper.map { Array(extended.utf8).lexicographicallyPrecedes(Array($0.utf8)) } ?? true)
        }
        #expect(RunRef.successor(ofPrefix: "ab") == "ac")
        #expect(RunRef.successor(ofPrefix: "a\u{10FFFF}") == "b")
        #expect(RunRef.successor(ofPrefix: "\u{10FFFF}") == nil)
        #expect(RunRef.successor(ofPrefix: "\u{D7FF}") == "\u{E000}")
    }

    @Test("ids, prefixes and uuids resolve as a prefix search would, hostile needles included (seeded)", arguments: TestBackend.all)
    func resolvesLikeAPrefixOracle(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        var runs: [(id: String, uuid: String)] = []
        for i in 0..<60 {
            let r = try store.startRun(sampleStart("r\(i)"))
            try r.finish(.finished)
            let info = try store.resolveRun(r.runID)
            runs.append((info.id, info.uuid))
        }
        var rng = SplitMix64(state: 29)
        var needles = runs.flatMap { [$0.id, $0.uuid, String($0.uuid.prefix(12)), $0.id.uppercased(), " \($0.id) "] }
        needles += runs.map { String($0.id.prefix(1 + rng.below(7))) }
        needles += (0..<300).map { _ in RunRefTests.hostileNeedle(&rng) }
        for needle in needles {
            let n = needle.trimmingCharacters(in: .whitespaces).lowercased()
            let oracle = runs.filter { !n.isEmpty && ($0.id.hasPrefix(n) || $0.uuid.hasPrefix(n)) }
            do {
                let ref = try store.runRef(needle)
                let exact = oracle.first { $0.id == n || $0.uuid == n }
                #expect(oracle.count == 1 || exact != nil, "\(needle.debugDescription) resolved though \(oracle.count) match")
                #expect(ref.id == (oracle.count == 1 ? oracle[0].id : exact?.id), "\(needle.debugDescription)")
                #expect(try store.runInfo(ref).id == ref.id)
            } catch TrackerError.ambiguousRun(_, let candidates) {
                #expect(oracle.count > 1 && candidates.count == min(oracle.count, 10), "\(needle.debugDescription)")
            } catch TrackerError.runNotFound {
                #expect(oracle.isEmpty, "\(needle.debugDescription)")
            } catch TrackerError.invalidArgument {
                #expect(n.isEmpty)
            }
        }
        #expect(try store.runs().count == 60)
    }

    @Test("a resolved reference reads the same records as the id it came from, deleted runs too", arguments: TestBackend.all)
    func referenceReadsAsTheID(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        let rec = try store.startRun(sampleStart("one"))
        rec.log(points: (0..<5).map { MetricPoint(key: "loss", step: $0, value: Double($0), wallTime: 1) })
        rec.event("note", "hi")
        try rec.finish(.finished)
        _ = try store.deleteRun(rec.runID)
        #expect(throws: TrackerError.self) { _ = try store.runRef(rec.runID) }
        let ref = try store.runRef(String(rec.runID.prefix(5)), includeDeleted: true)
        #expect(ref.id == rec.runID)
        #expect(try store.metricSeries(run: ref, key: "loss") == store.metricSeries(run: rec.runID, key: "loss"))
        #expect(try store.events(run: ref) == store.events(run: rec.runID))
        #expect(try store.report(run: ref) == store.report(run: rec.runID))
        #expect(try store.report(run: ref).ref == ref)
        #expect(try store.summaries(of: [store.runInfo(ref)]) == [store.summary(of: ref)])
    }
}
