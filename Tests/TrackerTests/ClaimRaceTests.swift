import Foundation
import Testing
@testable import Tracker

/// The queue's claim under a forced race, on SQLite (`BEGIN IMMEDIATE`) and PostgreSQL
/// (`FOR UPDATE SKIP LOCKED` under the shared writer lock): many connections claiming at the
/// same instant never get the same run, and every run is claimed exactly once.
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
                    while let claim = try box.store.claimNextRun() { results.add(claim, by: 0, round: 0) }
                } catch {
                    results.fail("\(error)")
                }
                group.leave()
            }
        }
        for _ in 0..<threads { start.signal() }
        group.wait()
        #expect(results.errors.isEmpty, "\(results.errors)")
        return results.claims.map { $0.claim }
    }

    /// Claims in lockstep: in each round every one of `threads` connections (each its own
    /// thread) leaves a barrier at the same instant and claims one run. Returns the claims
    /// with the connection and the round that made them.
    func lockstep(path: String, threads: Int, rounds: Int) throws -> [(claim: RunClaim, by: Int, round: Int)] {
        let stores = try (0..<threads).map { _ in try Store(path: path) }
        let barrier = Barrier(parties: threads)
        let results = Results()
        let group = DispatchGroup()
        for (index, store) in stores.enumerated() {
            let box = StoreBox(store)
            group.enter()
            Thread.detachNewThread {
                for round in 0..<rounds {
                    barrier.wait()
                    do {
                        if let claim = try box.store.claimNextRun() { results.add(claim, by: index, round: round) }
                    } catch {
                        results.fail("connection \(index), round \(round): \(error)")
                    }
                }
                group.leave()
            }
        }
        group.wait()
        #expect(results.errors.isEmpty, "\(results.errors)")
        return results.claims
    }

    @Test("connections claiming in lockstep (2 and 16 at the same instant, 40 queued runs): each run claimed once, no claim comes back empty while runs are left",
          arguments: TestBackend.all, [2, 16])
    func freshRuns(backend: TestBackend, threads: Int) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("q.db")
        let store = try Store(path: path)
        let ids = try store.queueRuns((0..<40).map { sampleStart("run-\($0)", seed: UInt64($0)) })
        #expect(Set(ids).count == 40)
        #expect(try store.queuedRuns().allSatisfy { $0.state == .queued && $0.holder == nil })
        let rounds = 40 / threads + 2
        let claims = try lockstep(path: path, threads: threads, rounds: rounds)
        #expect(claims.map { $0.claim.run.id }.sorted() == ids.sorted(), "every run claimed exactly once")
        // Every connection was in the race, and none was turned away while enough runs were
        // left for all: a claim passes over the rows others hold (PostgreSQL) or waits its turn
        // (SQLite), it never gives up.
        #expect(Set(claims.map { $0.by }).count == threads, "every connection claimed")
        var left = 40
        for round in 0..<rounds {
            let made = claims.filter { $0.round == round }.count
            #expect(made == min(threads, left), "round \(round): \(made) claims with \(left) runs left for \(threads) connections")
            left -= made
        }
        #expect(claims.allSatisfy { !$0.claim.resumes && $0.claim.run.status == .running && $0.claim.run.pid == Liveness.pid })
        #expect(try store.claimNextRun() == nil)
        #expect(try store.queuedRuns().allSatisfy { $0.state == .running && $0.holder?.pid == Liveness.pid })
    }

    @Test("a claim in progress elsewhere: PostgreSQL passes over the run it holds without waiting, SQLite waits its turn; an exclusive writer's transaction (a lease check and its write) is waited for on both",
          arguments: TestBackend.all)
    func claimsAndWriters(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("q.db")
        let store = try Store(path: path)
        let ids = try store.queueRuns((0..<3).map { sampleStart("run-\($0)", seed: UInt64($0)) })
        let other = try Store(path: path)

        // Another claim locks the oldest queued run's row and holds its transaction open.
        let claim = Held(StoreBox(other), .rowLocked) { db in
            _ = try db.first("SELECT r.seq FROM runs r WHERE r.status = 'queued' ORDER BY r.queued_at, r.seq LIMIT 1" + db.skipLocked("r")) { $0.int(0) }
        }
        // SQLite's claim waits for it: let it go after a moment. PostgreSQL's must not wait.
        if backend == .sqlite { claim.release(after: 0.5) }
        let first = try #require(try store.claimNextRun())
        if backend == .postgres {
            #expect(!claim.isReleased, "the claim did not wait for the other claim's transaction")
            #expect(first.run.id == ids[1], "it passed over the run the other claim holds")
        } else {
            #expect(claim.isReleased, "one writer at a time on SQLite")
            #expect(first.run.id == ids[0])
        }
        claim.release(after: 0)
        claim.join()

        // An exclusive writer (a recorder checking its lease before it writes, a takeover,
        // delete) never sees a claim land inside its transaction, on either backend.
        let writer = Held(StoreBox(other), .immediate) { _ in }
        writer.release(after: 0.5)
        let second = try #require(try store.claimNextRun())
        #expect(writer.isReleased, "the claim waited for the exclusive writer")
        writer.join()
        #expect(Set([first.run.id, second.run.id]).count == 2 && Set(ids).isSuperset(of: [first.run.id, second.run.id]))
        #expect(try store.claimNextRun() != nil, "the third run")
        #expect(try store.claimNextRun() == nil)
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

/// Claims collected from many threads, with the connection and round that made each.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var _claims: [(claim: RunClaim, by: Int, round: Int)] = []  // guarded by lock
    private var _errors: [String] = []  // guarded by lock
    func add(_ c: RunClaim, by: Int, round: Int) { lock.lock(); _claims.append((c, by, round)); lock.unlock() }
    func fail(_ e: String) { lock.lock(); _errors.append(e); lock.unlock() }
    var claims: [(claim: RunClaim, by: Int, round: Int)] { lock.lock(); defer { lock.unlock() }; return _claims }
    var errors: [String] { lock.lock(); defer { lock.unlock() }; return _errors }
}

/// A reusable barrier: `wait` returns once `parties` threads have called it, for each round.
private final class Barrier: @unchecked Sendable {
    private let condition = NSCondition()
    private let parties: Int
    private var waiting = 0  // guarded by condition
    private var generation = 0  // guarded by condition

    init(parties: Int) { self.parties = parties }

    func wait() {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        waiting += 1
        if waiting == parties {
            waiting = 0
            generation += 1
            condition.broadcast()
            return
        }
        while generation == mine { condition.wait() }
    }
}

/// A transaction of `kind` held open on another connection, on a thread of its own: `body`
/// runs inside it, then it stays open until released (or 30 s pass). `init` returns once the
/// transaction is open; `isReleased` turns true just before it commits.
private final class Held: @unchecked Sendable {
    private let lock = NSLock()
    private var released = false  // guarded by lock
    private let opened = DispatchSemaphore(value: 0)
    private let letGo = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(_ box: StoreBox, _ kind: Connection.TransactionKind, _ body: @escaping @Sendable (Connection) throws -> Void) {
        Thread.detachNewThread { [self] in
            do {
                try box.store.db.transaction(kind) {
                    try body(box.store.db)
                    opened.signal()
                    _ = letGo.wait(timeout: .now() + 30)
                    lock.lock(); released = true; lock.unlock()
                }
            } catch {
                Issue.record("the held transaction failed: \(error)")
                opened.signal()
            }
            done.signal()
        }
        opened.wait()
    }

    var isReleased: Bool { lock.lock(); defer { lock.unlock() }; return released }

    /// Lets the transaction commit after `seconds`.
    func release(after seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in letGo.signal() }
    }

    func join() { done.wait() }
}
