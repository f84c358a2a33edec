import Foundation
import Testing
@testable import Tracker

@Suite("Run orderings")
struct RunSortTests {
    @Test("--sort parent orders by the parent's id, as the filter's parent means (not by an internal sequence number)", arguments: TestBackend.all)
    func parentSort(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("sort.db"))
        var parents: [String] = []
        for i in 0..<6 {
            let rec = try store.startRun(RunStart(experiment: "s", name: "parent-\(i)", config: .object([:]), seed: UInt64(i)))
            try rec.finish(.finished)
            parents.append(rec.runID)
        }
        var childOf: [String: String] = [:]
        for (i, p) in parents.enumerated() {
            let rec = try store.startRun(RunStart(experiment: "s", name: "child-\(i)", config: .object([:]), seed: UInt64(i), parent: p, origin: .rerun))
            try rec.finish(.finished)
            childOf[rec.runID] = p
        }
        let sorted = try store.runs(where: "origin = 'rerun'", sort: "parent").map(\.run.id)
        #expect(sorted.compactMap { childOf[$0] } == parents.sorted())
        let descending = try store.runs(where: "origin = 'rerun'", sort: "parent:desc").map(\.run.id)
        #expect(descending.compactMap { childOf[$0] } == parents.sorted(by: >))
        // The filter reads the same column.
        let first = try #require(parents.sorted().first)
        #expect(try store.runs(where: "parent = '\(first)'").map(\.run.id).compactMap { childOf[$0] } == [first])
    }
}
