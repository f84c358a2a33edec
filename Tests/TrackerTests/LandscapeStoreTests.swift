import Foundation
import Testing
@testable import Tracker

/// The landscapes table: what is written reads back bit for bit, sizes that do not fit are
/// refused, `gc` removes a deleted run's landscapes, and the SVG draws what is stored.
@Suite("Stored landscapes")
struct LandscapeStoreTests {
    static func record(run: String, grid: Int, random: inout SplitMix64) -> LandscapeRecord {
        let values = (0..<(grid * grid)).map { _ -> Double in
            [Double.nan, .infinity, 0, -0.0, random.unit() * 1e6, Double(bitPattern: random.next() | 1)][random.below(6)]
        }
        return LandscapeRecord(
            runID: run, kind: .plane, checkpointStep: random.below(1000), checkpointKind: "last", checkpointSHA256: String(repeating: "a", count: 64),
            normalization: "filter", directionSeed: random.next(), subsetSize: 1 + random.below(100), subsetFingerprint: "f\(random.next())",
            grid: grid, span: random.unit() * 3 + 0.01, loss: values, accuracy: random.below(2) == 0 ? nil : values.map { abs($0) },
            trajectory: (0..<random.below(4)).map { .init(step: $0, x: random.unit() - 0.5, y: random.unit() - 0.5) },
            pointsPerSecond: random.unit() * 100, createdAt: 1_700_000_000 + random.unit())
    }

    static func same(_ a: LandscapeRecord, _ b: LandscapeRecord) -> Bool {
        var a = a, b = b
        a.id = nil; b.id = nil
        let bits = { (v: [Double]) in v.map(\.bitPattern) }
        return bits(a.loss) == bits(b.loss) && (a.accuracy.map(bits) == b.accuracy.map(bits))
            && a.directionSeed == b.directionSeed && a.trajectory == b.trajectory && a.span == b.span && a.grid == b.grid
            && a.subsetFingerprint == b.subsetFingerprint && a.checkpointStep == b.checkpointStep
    }

    @Test("seeded generated grids (NaN, infinities, −0, any bit pattern, any seed) read back bit for bit", arguments: TestBackend.all)
    func roundTrip(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        let run = try store.startRun(sampleStart()).runID
        var random = SplitMix64(state: 0x1A4D)
        var written: [LandscapeRecord] = []
        for _ in 0..<30 {
            let r = Self.record(run: run, grid: 2 + random.below(9), random: &random)
            try store.recordLandscape(r)
            written.append(r)
        }
        let read = try store.landscapes(run: run)
        #expect(read.count == written.count)
        for (a, b) in zip(written, read) { #expect(Self.same(a, b)) }
        #expect(Set(read.compactMap(\.id)).count == read.count)
    }

    @Test("sizes that do not fit are refused, a read-only store refuses writes, and gc removes a deleted run's landscapes", arguments: TestBackend.all)
    func refusals(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("t.db")
        let store = try Store(path: path)
        let recorder = try store.startRun(sampleStart())
        try recorder.finish(.finished)
        let run = recorder.runID
        var random = SplitMix64(state: 5)
        var r = Self.record(run: run, grid: 3, random: &random)
        r.loss.removeLast()
        #expect(throws: TrackerError.self) { try store.recordLandscape(r) }
        var huge = Self.record(run: run, grid: 3, random: &random)
        huge.grid = Int.max
        #expect(throws: TrackerError.self) { try store.recordLandscape(huge) }
        let good = Self.record(run: run, grid: 3, random: &random)
        #expect(throws: TrackerError.self) { try Store(path: path, access: .read).recordLandscape(good) }
        try store.recordLandscape(good)
        #expect(try store.landscapes(run: run).count == 1)
        _ = try store.deleteRun(run)
        _ = try store.purgeDeleted()
        #expect(try store.db.first("SELECT count(*) FROM landscapes", []) { $0.int(0) } == 0)
    }

    @Test("the SVG draws every cell, contours where the field crosses a level, the trajectory and escaped titles")
    func svg() {
        let n = 7
        let cone = (0..<(n * n)).map { k -> Double in
            let x = Double(k / n - 3), y = Double(k % n - 3)
            return 1 + x * x + y * y
        }
        var r = LandscapeRecord(runID: "r1", kind: .plane, checkpointStep: 9, checkpointKind: "last", checkpointSHA256: "s", normalization: "filter",
                                directionSeed: 1, subsetSize: 5, subsetFingerprint: "f", grid: n, span: 1, loss: cone, accuracy: nil,
                                trajectory: [.init(step: 0, x: 0.5, y: 0.5), .init(step: 9, x: 0, y: 0)], pointsPerSecond: 1, createdAt: 0)
        let svg = LandscapeSVG(r, title: "<b>&").svg()
        #expect(svg.hasPrefix("<svg") && svg.contains("&lt;b&gt;&amp;") && !svg.contains("<b>"))
        #expect(svg.components(separatedBy: "<rect").count - 1 >= n * n)
        #expect(svg.contains("<polyline") && svg.contains("<line"))
        // A level between the centre and its neighbours is crossed once on each of the four edges around the centre.
        #expect(LandscapeSVG.contour(cone, grid: n, level: 1.5).count == 4)
        r.loss[0] = .nan
        #expect(LandscapeSVG(r).svg().contains("#e0e0e0"))
        r.kind = .line
        r.loss = [1, 2, 3]
        #expect(LandscapeSVG(r).svg().contains("<svg"))
    }
}
