import Foundation
import Testing
@testable import Tracker

@Suite("Run leases: one trainer per run")
struct RunLeaseTests {
    /// A run left `running` with the given holder (as a killed trainer leaves it).
    func orphan(_ store: Store, pid: Int?, host: String?, heartbeatAgo: Double?) throws -> String {
        let rec = try store.startRun(sampleStart())
        try rec.flush()
        let heartbeat: SQLValue = heartbeatAgo.map { .real(Date().timeIntervalSince1970 - $0) } ?? .null
        try store.db.run("UPDATE runs SET pid = ?, host = ?, heartbeat_at = ? WHERE id = ?",
                         [pid.map { .int($0) } ?? .null, host.map { .text($0) } ?? .null, heartbeat, .text(rec.runID)])
        return rec.runID
    }

    /// A pid that no process has (probed, so the test holds on any machine).
    static func deadPID() -> Int {
        var pid = 4_000_000
        while Liveness.processExists(pid) { pid += 1 }
        return pid
    }

    @Test("a live holder is refused naming pid@host and heartbeat; a provably gone one is taken over", arguments: [
        // (pid, host, heartbeat age, taken over?)
        (-1, "self", 1.0, false),            // this very process, fresh heartbeat
        (-1, "other-host", 1.0, false),      // another host, fresh heartbeat: cannot prove it dead
        (-1, "other-host", 3600.0, true),    // another host, heartbeat expired
        (-2, "self", 1.0, true),             // this host, pid gone
        (-1, "self", 3600.0, true),          // heartbeat expired even though the pid exists
    ])
    func takeOver(pid: Int, host: String, heartbeatAgo: Double, takenOver: Bool) throws {
        let tmp = TempDir()
        let store = try Store(path: tmp.path("t.db"))
        let holderPID = pid == -1 ? Liveness.pid : Self.deadPID()
        let holderHost = host == "self" ? Liveness.hostName : host
        let run = try orphan(store, pid: holderPID, host: holderHost, heartbeatAgo: heartbeatAgo)
        if takenOver {
            let rec = try store.takeOverRun(run, afterStep: nil)
            #expect(try store.lease(of: run)?.pid == Liveness.pid)
            #expect(try store.events(run: run).last?.message.contains("took over from pid \(holderPID)@\(holderHost)") == true)
            try rec.finish(.finished)
        } else {
            #expect(throws: RunLeaseError.self) { _ = try store.takeOverRun(run, afterStep: nil) }
            do { _ = try store.takeOverRun(run, afterStep: nil) } catch {
                #expect(error.localizedDescription.contains("is being trained by pid \(holderPID)@\(holderHost), last heartbeat"))
            }
            #expect(try store.lease(of: run)?.pid == holderPID)
        }
    }

    @Test("of many concurrent take-overs of one run, exactly one wins (one transaction guarded by the old holder)", arguments: TestBackend.all)
    func concurrentTakeOvers(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let path = tmp.store("t.db")
        let store = try Store(path: path)
        let run = try orphan(store, pid: Self.deadPID(), host: Liveness.hostName, heartbeatAgo: 5)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                let rec = try Store(path: path).takeOverRun(run, afterStep: nil)
                results.add(.success(rec))
            } catch {
                results.add(.failure(error))
            }
        }
        // The winner's process is alive (it is this one), so every other attempt is refused.
        #expect(results.wins.count == 1)
        #expect(results.refusals.count == 7 && results.refusals.allSatisfy { $0 is RunLeaseError }, "\(results.refusals)")
        #expect(try store.events(run: run).filter { $0.kind == "resume" }.count == 1)
        try results.wins.first?.finish(.finished)
    }

    @Test("a recorder whose lease was taken over stops writing and never overwrites the new holder's status", arguments: TestBackend.all)
    func lostLease(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        let rec = try store.startRun(sampleStart())
        rec.log("loss", 1, step: 1)
        try rec.flush()
        try store.db.run("UPDATE runs SET pid = ?, host = 'elsewhere' WHERE id = ?", [.int(Self.deadPID()), .text(rec.runID)])
        rec.log("loss", 2, step: 2)
        #expect(throws: RunLeaseError.self) { try rec.flush() }
        #expect(throws: RunLeaseError.self) { try rec.saveCheckpoint([1, 2], step: 2, epoch: 0, kind: .last) }
        #expect(throws: RunLeaseError.self) { try rec.finish(.finished) }
        #expect(try store.resolveRun(rec.runID).status == .running)
        #expect(try store.metricSeries(run: rec.runID, key: "loss").count == 1)
        #expect(try store.checkpoints(run: rec.runID).isEmpty)
    }

    @Test("deleting a run a live process trains is refused; --force defers the purge until it ends", arguments: TestBackend.all)
    func deleteLiveRun(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("t.db"))
        let rec = try store.startRun(sampleStart())
        rec.log("loss", 1, step: 1)
        try rec.flush()
        #expect(throws: RunLeaseError.self) { _ = try store.deleteRun(rec.runID) }
        _ = try store.deleteRun(rec.runID, force: true)
        #expect(try store.deletedRunsStillTraining() == [rec.runID])
        #expect(try store.purgeDeleted().runs == 0)
        rec.log("loss", 2, step: 2)
        try rec.saveCheckpoint([3], step: 2, epoch: 0, kind: .last)
        try rec.finish(.finished)
        #expect(try store.deletedRunsStillTraining().isEmpty)
        #expect(try store.purgeDeleted() == (runs: 1, blobs: 1))
    }
}

private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var wins: [RunRecorder] = []
    private(set) var refusals: [any Error] = []
    func add(_ r: Result<RunRecorder, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        switch r {
        case .success(let rec): wins.append(rec)
        case .failure(let e): refusals.append(e)
        }
    }
}
