import Foundation
import Testing
@testable import Tracker

/// The queue's claim under a forced race: many connections claiming at the same instant
/// never get the same run, and every run is claimed exactly once.
@Suite("Claiming queued runs: one holder a run, even in a race")
struct ClaimRaceTests {
    /// Claims from `threads` stores (one connection each) released at once, each claiming
    /// until the queue is empty; returns every claim made.
    func race(path: String, threads: Int) throws -> [RunClaim] {
        let stores = try (0..<threads).map { _ in try Store(path: path) }
        let start = DispatchSemaphore(value: 0)
        let results = Results()
        let group = DispatchGroup()
        for store in stores {
            let box = StoreBox(store)
            group.enter()
            Thread.detachNewThread {
                start.wait()
                do {
                    while let claim = try box.store.claimNextRun() { results.add(claim) }
                } catch {
                    results.fail("\(error)")
                }
                group.leave()
            }
        }
        for _ in 0..<threads { start.signal() }
        group.wait()
        #expect(results.errors.isEmpty, "\(results.errors)")
        return results.claims
    }

    @Test("16 connections claiming at once: 40 queued runs, each claimed once, no run held twice", arguments: [2, 16])
    func freshRuns(threads: Int) throws {
        let tmp = TempDir()
        let path = tmp.path("q.db")
        let store = try Store(path: path)
        let ids = try store.queueRuns((0..<40).map { sampleStart("run-\($0)", seed: UInt64($0)) })
        #expect(Set(ids).count == 40)
        #expect(try store.queuedRuns().allSatisfy { $0.state == .queued && $0.holder == nil })
        let claims = try race(path: path, threads: threads)
        #expect(claims.map(\.run.id).sorted() == ids.sorted(), "every run claimed exactly once")
        #expect(claims.allSatisfy { !$0.resumes && $0.run.status == .running && $0.run.pid == Liveness.pid })
        #expect(try store.claimNextRun() == nil)
        #expect(try store.queuedRuns().allSatisfy { $0.state == .running && $0.holder?.pid == Liveness.pid })
    }

    @Test("runs whose agent died (pid gone here, lease expired elsewhere, interrupted) are claimed again exactly once, never a live holder's", arguments: TestBackend.all)
    func deadHolders(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("q.db")
        let store = try Store(path: path)
        let ids = try store.queueRuns((0..<12).map { sampleStart("run-\($0)", seed: UInt64($0)) })
        let dead = RunLeaseTests.deadPID()
        let now = Date().timeIntervalSince1970
        // 0–3: running under a dead pid here; 4–5: another host, silent past the lease; 6: another
        // host with a fresh heartbeat (alive as far as anyone can tell); 7: interrupted by a gone agent.
        for i in 0..<4 { try hold(store, ids[i], status: "running", pid: dead, host: Liveness.hostName, heartbeat: now - 1) }
        for i in 4..<6 { try hold(store, ids[i], status: "running", pid: 99, host: "other-node", heartbeat: now - Liveness.staleAfter - 5) }
        try hold(store, ids[6], status: "running", pid: 99, host: "other-node", heartbeat: now - 1)
        try hold(store, ids[7], status: "interrupted", pid: dead, host: Liveness.hostName, heartbeat: now - 1)
        // 8: interrupted (ended) by an agent on another host that is still alive: free at once.
        try hold(store, ids[8], status: "interrupted", pid: 99, host: "other-node", heartbeat: now - 1)
        try store.db.run("UPDATE runs SET ended_at = ? WHERE id = ?", [.real(now - 1), .text(ids[8])])
        let claims = try race(path: path, threads: 8)
        let order = claims.map(\.run.id)
        #expect(order.sorted() == ids.filter { $0 != ids[6] }.sorted(), "each claimable run once, never the live one")
        let resumed = Set(claims.filter(\.resumes).map(\.run.id))
        #expect(resumed == Set(ids[0..<6] + [ids[7], ids[8]]))
        #expect(claims.filter(\.resumes).allSatisfy { $0.previous?.pid == dead || $0.previous?.host == "other-node" })
        #expect(try store.resolveRun(ids[8]).endedAt == nil, "a claim clears the end time, so no other agent takes the run")
        for id in resumed {
            let info = try store.resolveRun(id)
            #expect(info.pid == Liveness.pid && info.host == Liveness.hostName, "the claim is this process's lease")
            #expect(info.status == .crashed || info.status == .interrupted, "a resumable run keeps its stopped status until takeOverRun")
        }
        #expect(try store.events(run: ids[4]).contains { $0.kind == "crashed" && $0.message.contains("other-node") })
        #expect(try store.resolveRun(ids[6]).pid == 99, "a live holder is never taken over")
        // takeOverRun accepts the claim and resumes the run under this process.
        let rec = try store.takeOverRun(ids[0], afterStep: nil)
        try rec.finish(.finished)
        #expect(try store.resolveRun(ids[0]).status == .finished)
    }

    @Test("a claim scoped to an experiment takes only its runs; an unknown experiment is an error naming the known ones", arguments: TestBackend.all)
    func scopedClaims(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("q.db"))
        let a = try store.queueRuns([sampleStart("a", experiment: "alpha")])
        let b = try store.queueRuns([sampleStart("b", experiment: "beta")])
        #expect(try store.claimNextRun(experiment: "beta")?.run.id == b[0])
        #expect(try store.claimNextRun(experiment: "beta") == nil)
        #expect(try store.claimNextRun(experiment: "alpha")?.run.id == a[0])
        #expect(throws: TrackerError.self) { _ = try store.claimNextRun(experiment: "alpah") }
        do {
            _ = try store.claimNextRun(experiment: "alpah")
        } catch {
            #expect(error.localizedDescription.contains("did you mean alpha"), "\(error.localizedDescription)")
        }
    }

    @Test("abandonClaim marks a claimed run failed with the reason; beginClaimedRun refuses a run this process does not hold", arguments: TestBackend.all)
    func abandonAndBegin(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("q.db"))
        let ids = try store.queueRuns([sampleStart("a"), sampleStart("b")])
        #expect(throws: RunLeaseError.self) { _ = try store.beginClaimedRun(ids[1], environment: .object([:])) }
        let claim = try #require(try store.claimNextRun())
        try store.abandonClaim(claim.run.id, reason: "its config no longer resolves")
        #expect(try store.resolveRun(claim.run.id).status == .failed)
        #expect(try store.events(run: claim.run.id).contains { $0.kind == "failed" && $0.message.contains("no longer resolves") })
        #expect(try store.queuedRuns().map(\.state) == [.failed, .queued])
        let next = try #require(try store.claimNextRun())
        let rec = try store.beginClaimedRun(next.run.id, environment: .object(["cpu": .string("here")]))
        try rec.finish(.finished)
        #expect(try store.resolveRun(next.run.id).environment == #"{"cpu":"here"}"#)
        #expect(try store.claimNextRun() == nil)
    }

    @Test("TRACKER_LEASE_SECONDS: whole seconds in 2…86400 set the lease; anything else (seeded random text too) keeps 60 s")
    func leaseSeconds() {
        #expect(Liveness.leaseSeconds(nil) == 60 && Liveness.leaseSeconds("") == 60)
        #expect(Liveness.leaseSeconds("5") == 5 && Liveness.leaseSeconds(" 86400 ") == 86_400)
        for bad in ["1", "0", "-5", "86401", "2.5", "1e3", "nan", "inf", "99999999999999999999"] { #expect(Liveness.leaseSeconds(bad) == 60, "\(bad)") }
        var g = SplitMix64(state: 0x1ea5e)
        let alphabet = Array("0123456789 -+.eE_x")
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0...8, using: &g)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
            let v = Liveness.leaseSeconds(text)
            let n = Int(text.trimmingCharacters(in: .whitespaces))
            #expect(v == (n.map { Liveness.leaseSecondsRange.contains($0) ? Double($0) : 60 } ?? 60), "\(text)")
        }
        #expect(Liveness.heartbeatInterval <= Liveness.staleAfter / 4)
    }

    private func hold(_ store: Store, _ id: String, status: String, pid: Int, host: String, heartbeat: Double) throws {
        try store.db.run("UPDATE runs SET status = ?, started_at = ?, pid = ?, host = ?, heartbeat_at = ? WHERE id = ?",
                         [.text(status), .real(heartbeat), .int(pid), .text(host), .real(heartbeat), .text(id)])
    }
}

/// A store handed to one thread (each thread owns its own).
private final class StoreBox: @unchecked Sendable {
    let store: Store
    init(_ store: Store) { self.store = store }
}

/// Claims collected from many threads.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var _claims: [RunClaim] = []  // guarded by lock
    private var _errors: [String] = []  // guarded by lock
    func add(_ c: RunClaim) { lock.lock(); _claims.append(c); lock.unlock() }
    func fail(_ e: String) { lock.lock(); _errors.append(e); lock.unlock() }
    var claims: [RunClaim] { lock.lock(); defer { lock.unlock() }; return _claims }
    var errors: [String] { lock.lock(); defer { lock.unlock() }; return _errors }
}
