import Foundation
import Testing
@testable import Tracker

/// Configs of the agent tests: small runs (a fraction of a second each) with checkpoints
/// every epoch, so a killed run has something to resume from.
enum AgentConfigs {
    /// 12 runs: 3 learning rates × 4 widths of a 4-epoch moons MLP.
    static let sweep12 = """
        experiment: agents
        seed: 3
        data: {source: moons, size: 300, noise: 0.2, validation: 0.2}
        model: {depth: 2, width: 12, activation: relu}
        optimizer: {type: adam, lr: 0.01}
        epochs: 4
        batch_size: 32
        logging: {layer_stats_every: 4, checkpoint_every: 1, keep_checkpoints: 2}
        sweep:
          grid:
            optimizer.lr: [0.01, 0.02, 0.005]
            model.width: [8, 12, 16, 20]
        """

    /// 3 runs of the hardening config (batch norm, dropout, histograms: every table fills).
    static let sweep3 = HardeningConfigs.quick.replacingOccurrences(of: "experiment: hardening", with: "experiment: agents-kill") + """

        sweep:
          grid:
            optimizer.lr: [0.01, 0.02, 0.005]
        """
}

/// Agents on one SQLite store, through the binary: every run trained once, bit-identical to
/// the same sweep trained sequentially, a killed agent's run finished by another.
@Suite("Agents sharing a queued sweep", .serialized)
struct AgentTests {
    /// Trains `config` sequentially (`tracker train`) and returns each run's tables by name.
    func sequential(_ tmp: TempDir, config: String) throws -> [String: [String: [String]]] {
        let db = tmp.path("sequential.db")
        let r = try CLI.run(["train", config, "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        let store = try Store(path: db)
        return Dictionary(uniqueKeysWithValues: try store.runs().map { ($0.name, try RunTables.dump(store, run: $0.id)) })
    }

    func submit(_ config: String, db: String) throws -> [String] {
        let r = try CLI.run(["sweep", "submit", config, "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.split(separator: "\n").filter { $0.hasPrefix("queued ") }.map { String($0.split(separator: " ")[1]) }
    }

    /// The run ids an agent's output says it claimed.
    func claims(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").compactMap { line in
            guard let r = line.range(of: ": claimed run ") else { return nil }
            return line[r.upperBound...].split(separator: " ").first.map(String.init)
        }
    }

    func compare(_ store: Store, against expected: [String: [String: [String]]], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let runs = try store.runs()
        #expect(runs.count == expected.count, sourceLocation: sourceLocation)
        for run in runs {
            let tables = try RunTables.dump(store, run: run.id)
            guard let want = expected[run.name] else { Issue.record("no sequential run named \(run.name)", sourceLocation: sourceLocation); continue }
            if let diff = RunTables.difference(want, tables) { Issue.record("\(run.name): \(diff)", sourceLocation: sourceLocation) }
        }
    }

    @Test("4 agents, a 12-run sweep: every run claimed and trained exactly once, each bit-identical to the sequential sweep (a SQLite store, and a PostgreSQL one when TRACKER_TEST_PG is set)",
          arguments: TestDatabase.backends)
    func fourAgents(backend: String) throws {
        let tmp = TempDir()
        let config = try Configs.write(AgentConfigs.sweep12, to: tmp)
        let expected = try sequential(tmp, config: config)
        #expect(expected.count == 12)
        let database = backend == "postgresql" ? try TestDatabase() : nil
        let db = database?.url ?? tmp.path("queue.db")
        let queued = try submit(config, db: db)
        #expect(queued.count == 12 && Set(queued).count == 12)
        let status = try CLI.run(["sweep", "status", "--db", db])
        #expect(status.stdout.contains("12 runs: queued 12, running 0, stopped 0, done 0, failed 0"), "\(status.stdout)")

        let agents = try (0..<4).map { _ in try CLI.start(["agent", "--db", db, "--until-empty"]) }
        let outputs = agents.map { a -> (Int32, String, String) in
            let err = PipeDrain(a.stderr)
            let out = a.stdout.fileHandleForReading.readDataToEndOfFile()
            a.process.waitUntilExit()
            return (a.process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err.wait(), as: UTF8.self))
        }
        for (code, _, err) in outputs { #expect(code == 0, "\(err)") }
        let claimed = outputs.flatMap { claims($0.1) }
        #expect(claimed.sorted() == queued.sorted(), "each queued run claimed exactly once: \(claimed)")

        let store = try Store(path: db, readOnly: true)
        for id in queued {
            #expect(try store.resolveRun(id).status == .finished)
            #expect(try store.events(run: id).allSatisfy { $0.kind != "resume" && $0.kind != "crashed" }, "run \(id) was trained in one go")
        }
        try compare(store, against: expected)
        let done = try CLI.run(["sweep", "status", "--db", db])
        #expect(done.stdout.contains("12 runs: queued 0, running 0, stopped 0, done 12, failed 0"), "\(done.stdout)")
        withExtendedLifetime(database) {}  // the PostgreSQL database lives until the end of the test
    }

    /// The store of a backend-parameterised test (a fresh PostgreSQL database, or a file in
    /// `tmp`), and the environment its processes share: on PostgreSQL a reader derives
    /// liveness from the heartbeat alone (SQL sees no pids), so a killed agent's run reads as
    /// stopped only once its lease expires; a 3 s lease keeps the test short.
    func killStore(_ backend: String, _ tmp: TempDir) throws -> (database: TestDatabase?, db: String, environment: [String: String]) {
        let database = backend == "postgresql" ? try TestDatabase() : nil
        return (database, database?.url ?? tmp.path("queue.db"), database == nil ? [:] : ["TRACKER_LEASE_SECONDS": "3"])
    }

    /// Waits (up to `timeout` s) until `tracker sweep status` says `expected`; returns its last output.
    func waitForStatus(_ db: String, environment: [String: String], _ expected: String, timeout: Double = 30) throws -> String {
        let end = Date().addingTimeInterval(timeout)
        while true {
            let status = try CLI.run(["sweep", "status", "--db", db], environment: environment)
            if status.stdout.contains(expected) || Date() > end { return status.stdout }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    @Test("an agent killed with SIGKILL mid-run: the next agent claims that run first, resumes it from its checkpoint, and every run is bit-identical (SQLite, and PostgreSQL with a 3 s lease)",
          arguments: TestDatabase.backends)
    func killedAgent(backend: String) throws {
        let tmp = TempDir()
        let config = try Configs.write(AgentConfigs.sweep3, to: tmp)
        let expected = try sequential(tmp, config: config)
        let (database, db, env) = try killStore(backend, tmp)
        let queued = try submit(config, db: db)
        #expect(queued.count == 3)
        // The agent SIGKILLs itself inside the transaction of its first run's second checkpoint.
        let killed = try CLI.run(["agent", "--db", db, "--until-empty"], environment: env.merging(["TRACKER_TEST_KILL_AT": "checkpoint:2:blob"]) { $1 })
        #expect(killed.status == SIGKILL, "\(killed.stderr)")
        #expect(claims(killed.stdout) == [queued[0]])
        let mid = try waitForStatus(db, environment: env, "3 runs: queued 2, running 0, stopped 1, done 0, failed 0")
        #expect(mid.contains("3 runs: queued 2, running 0, stopped 1, done 0, failed 0"), "\(mid)")
        #expect(mid.contains(queued[0]) && mid.contains("crashed"), "\(mid)")

        let second = try CLI.run(["agent", "--db", db, "--until-empty"], environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(claims(second.stdout) == queued, "the stopped run first, then the queue: \(second.stdout)")
        #expect(second.stdout.contains("claimed run \(queued[0]) ") && second.stdout.contains("resuming it"), "\(second.stdout)")
        let store = try Store(path: db, readOnly: true)
        let events = try store.events(run: queued[0])
        let resume = try #require(events.first { $0.kind == "resume" })
        #expect(resume.message.contains("from step \(HardeningConfigs.stepsPerEpoch)"), "\(resume.message)")
        #expect(events.contains { $0.kind == "crashed" })
        #expect(!events.contains { $0.kind == "environment" }, "same machine, same build: no environment change")
        try compare(store, against: expected)
        withExtendedLifetime(database) {}
    }

    @Test("an agent killed from outside (kill -9 at an arbitrary moment of its second epoch): its lease expires, another agent finishes the run, bit-identical (SQLite, and PostgreSQL)",
          arguments: TestDatabase.backends)
    func killedFromOutside(backend: String) throws {
        let tmp = TempDir()
        let config = try Configs.write(HardeningConfigs.slow.replacingOccurrences(of: "experiment: hardening-slow", with: "experiment: agents-kill9"), to: tmp)
        let expected = try sequential(tmp, config: config)
        let (database, db, env) = try killStore(backend, tmp)
        let queued = try submit(config, db: db)
        let agent = try CLI.start(["agent", "--db", db, "--until-empty"], environment: env)
        let err = PipeDrain(agent.stderr)
        #expect(waitForLine(agent.stdout, timeout: 120) { $0.contains("epoch 1/") }, "the agent reached its first epoch end")
        Thread.sleep(forTimeInterval: 0.3)
        kill(agent.process.processIdentifier, SIGKILL)
        agent.process.waitUntilExit()
        _ = err.wait()
        #expect(agent.process.terminationStatus == SIGKILL)
        let mid = try waitForStatus(db, environment: env, "stopped 1")
        #expect(mid.contains("stopped 1") && mid.contains("crashed"), "the lease expired: \(mid)")
        let second = try CLI.run(["agent", "--db", db, "--until-empty"], environment: env)
        #expect(second.status == 0 && second.stdout.contains("resuming it"), "\(second.stdout)\(second.stderr)")
        let store = try Store(path: db, readOnly: true)
        #expect(try store.events(run: queued[0]).contains { $0.kind == "resume" })
        try compare(store, against: expected)
        withExtendedLifetime(database) {}
    }

    @Test("a run held by a process on another host is claimed only once its lease expires (TRACKER_LEASE_SECONDS), and sweep status shows where it is")
    func leaseExpiry() throws {
        let tmp = TempDir()
        let config = try Configs.write(AgentConfigs.sweep3, to: tmp)
        let db = tmp.path("queue.db")
        let queued = try submit(config, db: db)
        // Pretend another node claimed the first run 5 s ago and went silent.
        let store = try Store(path: db)
        try store.db.run("UPDATE runs SET status = 'running', started_at = ?, pid = 4242, host = 'other-node', heartbeat_at = ? WHERE id = ?",
                         [.real(Date().timeIntervalSince1970 - 5), .real(Date().timeIntervalSince1970 - 5), .text(queued[0])])
        let status = try CLI.run(["sweep", "status", "--db", db])
        #expect(status.stdout.contains("running 1") && status.stdout.contains("other-node") && status.stdout.contains("4242"), "\(status.stdout)")
        let json = try CLI.run(["sweep", "status", "--db", db, "--format", "json"])
        guard case .array(let items) = try JSONValue.parse(json.stdout), let first = items.first else {
            Issue.record("sweep status --format json: \(json.stdout)")
            return
        }
        #expect(first[path: "host"]?.stringValue == "other-node" && (first[path: "heartbeat_age_s"]?.numberValue ?? 0) >= 5)

        // With the default 60 s lease, the silent node still holds it.
        let patient = try CLI.run(["agent", "--db", db, "--count", "1"])
        #expect(patient.status == 0 && claims(patient.stdout) == [queued[1]], "\(patient.stdout)\(patient.stderr)")
        // With a 2 s lease it has expired: taken over, resumed from step 0.
        let eager = try CLI.run(["agent", "--db", db, "--count", "1"], environment: ["TRACKER_LEASE_SECONDS": "2"])
        #expect(eager.status == 0 && claims(eager.stdout) == [queued[0]], "\(eager.stdout)\(eager.stderr)")
        #expect(eager.stdout.contains("other-node"), "names the holder it took over from: \(eager.stdout)")
        #expect(try store.resolveRun(queued[0]).status == .finished)
        let crashed = try #require(try store.events(run: queued[0]).first { $0.kind == "crashed" })
        #expect(crashed.message.contains("4242") && crashed.message.contains("other-node"), "\(crashed.message)")
    }

    @Test("a run resumed by an agent in another environment (here: a stored BLAS core that differs) says so in its events, field by field")
    func environmentChange() throws {
        let tmp = TempDir()
        let config = try Configs.write(HardeningConfigs.quick.replacingOccurrences(of: "experiment: hardening", with: "experiment: agents-env"), to: tmp)
        let db = tmp.path("queue.db")
        let queued = try submit(config, db: db)
        let killed = try CLI.run(["agent", "--db", db, "--until-empty"], environment: ["TRACKER_TEST_KILL_AT": "checkpoint:2:committed"])
        #expect(killed.status == SIGKILL, "\(killed.stderr)")
        let store = try Store(path: db)
        try store.db.run("UPDATE runs SET environment = json_set(environment, '$.blas_core', 'SomeOtherCore') WHERE id = ?", [.text(queued[0])])
        let resumed = try CLI.run(["agent", "--db", db, "--until-empty"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let note = try #require(try store.events(run: queued[0]).first { $0.kind == "environment" })
        #expect(note.level == .warning && note.message.contains("blas_core") && note.message.contains("SomeOtherCore"), "\(note.message)")
        #expect(note.message.contains("step \(HardeningConfigs.stepsPerEpoch * 2)"), "\(note.message)")
        let shown = try CLI.run(["show", queued[0], "--db", db])
        #expect(shown.stdout.contains("resumed in another environment"), "\(shown.stdout)")
    }

    @Test("hostile inputs: a bad config, an unknown experiment, bad --count/--poll values and a missing store are clear errors; nothing is queued")
    func hostileInputs() throws {
        let tmp = TempDir()
        let db = tmp.path("queue.db")
        let bad = try Configs.write(AgentConfigs.sweep12.replacingOccurrences(of: "epochs: 4", with: "epochz: 4"), to: tmp, name: "bad.yaml")
        let refused = try CLI.run(["sweep", "submit", bad, "--db", db])
        #expect(refused.status == 1 && refused.stderr.contains("epochz"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db), "a refused sweep creates no store")
        let missing = try CLI.run(["agent", "--db", db, "--until-empty"])
        #expect(missing.status == 1 && missing.stderr.contains("no tracker store"), "\(missing.stderr)")

        let good = try Configs.write(AgentConfigs.sweep12, to: tmp)
        #expect(try submit(good, db: db).count == 12)
        let unknown = try CLI.run(["agent", "--db", db, "--experiment", "agentz", "--until-empty"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no experiment named 'agentz'") && unknown.stderr.contains("agents"), "\(unknown.stderr)")
        let unknownStatus = try CLI.run(["sweep", "status", "--db", db, "--experiment", "nope"])
        #expect(unknownStatus.status == 1 && unknownStatus.stderr.contains("no experiment named 'nope'"), "\(unknownStatus.stderr)")
        for (option, value) in [("--count", "0"), ("--count", "-3"), ("--count", "many"), ("--count", "99999999999999999999999"),
                                ("--count", "1000001"), ("--poll", "0"), ("--poll", "100000")] {
            let r = try CLI.run(["agent", "--db", db, option, value])
            #expect(r.status == 2 && r.stderr.contains(option), "\(option) \(value): \(r.status) \(r.stderr)")
        }
        let status = try CLI.run(["sweep", "status", "--db", db])
        #expect(status.stdout.contains("queued 12"), "nothing was claimed: \(status.stdout)")
    }
}

/// A fresh database on the test PostgreSQL server named by `TRACKER_TEST_PG` (which
/// scripts/test.sh starts), dropped (with any connection left) when released.
final class TestDatabase {
    /// The stores the backend-parameterised CLI tests run on.
    static var backends: [String] { admin == nil ? ["sqlite"] : ["sqlite", "postgresql"] }
    static let admin: String? = ProcessInfo.processInfo.environment["TRACKER_TEST_PG"].flatMap { $0.isEmpty ? nil : $0 }

    let url: String
    private let name: String

    init() throws {
        guard let admin = TestDatabase.admin, let slash = admin.range(of: "/", options: .backwards), admin[..<slash.lowerBound].hasSuffix("//") == false else {
            throw TrackerError.invalidArgument("TRACKER_TEST_PG is not set to postgresql://user@host:port/db")
        }
        name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try PGConnection(url: admin, readOnly: false).execute("CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
        url = String(admin[..<slash.lowerBound]) + "/" + name
    }

    deinit {
        guard let admin = TestDatabase.admin, let pg = try? PGConnection(url: admin, readOnly: false) else { return }
        try? pg.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}
