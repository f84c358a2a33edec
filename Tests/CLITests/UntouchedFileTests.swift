import Foundation
import Testing
@testable import Tracker

/// Files that are not tracker stores, or that tracker may only read: every command of the
/// real binary that takes `--db` leaves the file and its folder byte-for-byte as they were.
@Suite("Files that are not ours stay untouched", .serialized)
struct UntouchedFileTests {
    /// Each command that takes --db, with arguments that get it as far as opening the store.
    /// `creates` marks those that may turn a missing or empty file into a store.
    struct Command {
        var args: [String]
        var creates = false
        var writes = false
    }

    static func commands(config: String, out: String) -> [Command] {
        let run = "0123abcd"
        return [
            Command(args: ["train", config], creates: true, writes: true),
            Command(args: ["debug-write", "--points", "10"], creates: true, writes: true),
            Command(args: ["resume", run], writes: true),
            Command(args: ["rerun", run], writes: true),
            Command(args: ["tag", run, "k=v"], writes: true),
            Command(args: ["delete", run], writes: true),
            Command(args: ["gc"], writes: true),
            Command(args: ["migrate"], writes: true),
            Command(args: ["runs"]), Command(args: ["runs", "--where", "status = 'crashed'", "--format", "json"]),
            Command(args: ["show", run]), Command(args: ["metrics", run]), Command(args: ["diff", run, run]),
            Command(args: ["compare", run, run]), Command(args: ["grads", run]), Command(args: ["bn", run]),
            Command(args: ["plot", run, "--metric", "loss"]), Command(args: ["checkpoints", run]),
            Command(args: ["export", run, "--out", out + "/export"]), Command(args: ["experiments"]),
            Command(args: ["report", "exp", "--output", out + "/report"]), Command(args: ["hist", run]),
            Command(args: ["ui", "--port", "0"]),
        ]
    }

    /// The SHA-256 of every file in `folder`, by name: what must not change.
    static func snapshot(_ folder: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))) ?? Data()
            out[name] = SHA256.hex(data)
        }
        return out
    }

    /// Runs every command against `db` and checks the folder is unchanged after each one.
    func expectUntouched(_ db: String, _ label: String, commands: [Command], refusal: String?, prefix: [String] = []) throws {
        let folder = (db as NSString).deletingLastPathComponent
        let before = try UntouchedFileTests.snapshot(folder)
        for c in commands {
            let r = try CLI.run(prefix + c.args + ["--db", db])
            #expect(try UntouchedFileTests.snapshot(folder) == before, "\(label): `tracker \(c.args.joined(separator: " "))` changed the folder")
            if let refusal {
                #expect(r.status == 1, "\(label): `tracker \(c.args[0])` exit \(r.status): \(r.stderr)")
                #expect(r.stderr.contains(refusal), "\(label): `tracker \(c.args[0])` said: \(r.stderr)")
                #expect(!r.stderr.contains("SQLite error"), "\(label): `tracker \(c.args[0])` leaked internals: \(r.stderr)")
            }
        }
    }

    func setUp() throws -> (TempDir, config: String, out: String, store: String) {
        let tmp = TempDir()
        try FileManager.default.createDirectory(atPath: tmp.path("store"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tmp.path("out"), withIntermediateDirectories: true)
        let config = try Configs.write(Configs.small, to: tmp)
        return (tmp, config, tmp.path("out"), tmp.path("store"))
    }

    @Test("another application's SQLite file (rollback journal, generated tables and rows) is refused by every command, untouched")
    func foreign() throws {
        let (tmp, config, out, folder) = try setUp()
        _ = tmp
        var g = SplitMix(seed: 0xF0E1)
        for variant in 0..<4 {
            let db = folder + "/app-\(variant).sqlite"
            try ForeignFile.write(db, generator: &g, variant: variant)
            try expectUntouched(db, "foreign #\(variant)", commands: UntouchedFileTests.commands(config: config, out: out), refusal: "another application")
            try FileManager.default.removeItem(atPath: db)
        }
    }

    @Test("a missing or 0-byte file: read and edit commands refuse it and create nothing")
    func missingAndEmpty() throws {
        let (tmp, config, out, folder) = try setUp()
        _ = tmp
        let readers = UntouchedFileTests.commands(config: config, out: out).filter { !$0.creates }
        try expectUntouched(folder + "/missing.db", "missing", commands: readers, refusal: "no tracker store")
        let empty = folder + "/empty.db"
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        try expectUntouched(empty, "empty", commands: readers, refusal: "no tracker store")
        // Only the recording commands make a store of it.
        let train = try CLI.run(["debug-write", "--points", "10", "--db", empty])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(try Store(path: empty, readOnly: true).runs().count == 1)
    }

    @Test("non-SQLite bytes and truncated stores (generated) are refused by every command, untouched")
    func garbageAndTruncated() throws {
        let (tmp, config, out, folder) = try setUp()
        _ = tmp
        var g = SplitMix(seed: 0xBAD5EED)
        let commands = UntouchedFileTests.commands(config: config, out: out)
        for variant in 0..<2 {
            let db = folder + "/garbage-\(variant).db"
            var bytes = (0..<(100 + Int(g.next() % 9000))).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            if variant == 1 { bytes.replaceSubrange(0..<16, with: Array("SQLite format 3\0".utf8)) }  // a header, then noise
            try Data(bytes).write(to: URL(fileURLWithPath: db))
            try expectUntouched(db, "garbage #\(variant)", commands: commands, refusal: "not a usable tracker database")
            try FileManager.default.removeItem(atPath: db)
        }
        let full = tmp.path("full.db")
        try Fixture.build(at: full)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: full))
        for variant in 0..<2 {
            let db = folder + "/cut-\(variant).db"
            let cut = 4096 + Int(g.next() % UInt64(max(1, bytes.count - 8192)))
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: db))
            try expectUntouched(db, "truncated at \(cut)", commands: commands, refusal: "not a usable tracker database")
            try FileManager.default.removeItem(atPath: db)
        }
    }

    /// Root ignores file permissions, so as root the commands run as `nobody` (runuser), the
    /// user the permissions are for; otherwise as ourselves.
    static var unprivileged: [String] { getuid() == 0 ? ["/usr/sbin/runuser", "-u", "nobody", "--"] : [] }

    /// Runs the binary through `unprivileged`, output through files (no pipe to fill).
    static func runUnprivileged(_ args: [String]) throws -> CLI.Result {
        let command = unprivileged + [CLI.binary.path] + args
        let p = Process()
        p.executableURL = URL(fileURLWithPath: command[0])
        p.arguments = Array(command.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        p.environment = env
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("ro-out-\(UUID().uuidString)")
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("ro-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outPath.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outPath)
            try? FileManager.default.removeItem(at: errPath)
        }
        p.standardOutput = try FileHandle(forWritingTo: outPath)
        p.standardError = try FileHandle(forWritingTo: errPath)
        try p.run()
        p.waitUntilExit()
        return CLI.Result(status: p.terminationStatus, stdout: (try? String(contentsOf: outPath, encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOf: errPath, encoding: .utf8)) ?? "")
    }

    @Test("a read-only store (chmod 444 or 644 as another user, in a chmod 555 folder) is read by every read command and changed by none")
    func readOnlyStore() throws {
        let (tmp, config, out, folder) = try setUp()
        _ = tmp
        let db = folder + "/study.db"
        let runs = try Fixture.build(at: db)
        // `nobody` writes the exports; the store's folder stays root's.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: out)
        let readers: [[String]] = [
            ["runs"], ["runs", "--where", "status = 'finished'", "--sort", "status"], ["show", runs.dropout], ["metrics", runs.dropout],
            ["diff", runs.dropout, runs.rerun], ["compare", runs.dropout, runs.rerun], ["grads", runs.sigmoid], ["bn", runs.dropout],
            ["plot", runs.dropout, "--metric", "val_acc"], ["checkpoints", runs.dropout], ["experiments"], ["hist", runs.dropout],
            ["export", runs.dropout, "--out", out + "/export"], ["report", "overfitting", "--output", out + "/report"],
        ]
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
        // 0444: nobody may write the file. 0644 (not ours to write as `nobody`, or ours in a
        // folder we cannot write): SQLite cannot make the -wal/-shm a reader needs.
        for mode in [0o444, 0o644] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: db)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
            let before = try UntouchedFileTests.snapshot(folder)
            for args in readers {
                let r = try UntouchedFileTests.runUnprivileged(args + ["--db", db])
                // The fixture records no histograms: `hist` answers that, as on any store.
                let answered = r.status == 0 || (args[0] == "hist" && r.stderr.contains("no histograms"))
                #expect(answered, "`tracker \(args.joined(separator: " "))` on a read-only store (\(String(mode, radix: 8))): \(r.stderr)")
                #expect(try UntouchedFileTests.snapshot(folder) == before, "`tracker \(args[0])` changed a read-only store")
            }
            // Writers are refused (cannot open for writing) and change nothing either.
            for args in [["tag", runs.dropout, "k=v"], ["gc"], ["migrate"]] {
                let r = try UntouchedFileTests.runUnprivileged(args + ["--db", db])
                #expect(try UntouchedFileTests.snapshot(folder) == before, "`tracker \(args[0])` changed a read-only store: \(r.stderr)")
            }
        }
        _ = config
        // The same file read by root in a folder root can write: read through a connection that
        // SQLite cleans up after (no -wal/-shm left), bytes unchanged.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        let writableFolder = try UntouchedFileTests.snapshot(folder)
        for args in readers.prefix(4) {
            #expect(try CLI.run(args + ["--db", db]).status == 0)
            #expect(try UntouchedFileTests.snapshot(folder) == writableFolder, "`tracker \(args[0])` left files behind")
        }
    }

    @Test("a dead `running` run reads as crashed in every reader, and reading writes nothing")
    func deadRunReadsCrashed() throws {
        let (tmp, _, _, folder) = try setUp()
        _ = tmp
        let db = folder + "/live.db"
        // debug-write --no-finish exits leaving its run `running` with its (now dead) pid.
        let w = try CLI.run(["debug-write", "--db", db, "--points", "50", "--no-finish"])
        #expect(w.status == 0, "\(w.stderr)")
        let run = try #require(w.stdout.split(separator: "\n").first.map { String($0.dropFirst(4)) })
        let done = try CLI.run(["debug-write", "--db", db, "--points", "5", "--name", "done"])
        #expect(done.status == 0)
        let before = try UntouchedFileTests.snapshot(folder)
        let listing = try CLI.run(["runs", "--db", db, "--format", "csv"])
        #expect(listing.stdout.contains("\(run),load,writer,crashed"), "\(listing.stdout)")
        let filtered = try CLI.run(["runs", "--db", db, "--where", "status = 'crashed'", "--format", "csv"])
        #expect(filtered.stdout.split(separator: "\n").count == 2 && filtered.stdout.contains(run))
        let running = try CLI.run(["runs", "--db", db, "--where", "status = 'running'", "--format", "csv"])
        #expect(running.stdout.split(separator: "\n").count <= 1, "\(running.stdout)")
        let sorted = try CLI.run(["runs", "--db", db, "--sort", "status", "--format", "csv"])
        #expect(sorted.stdout.split(separator: "\n").dropFirst().first?.contains("crashed") == true, "\(sorted.stdout)")
        let show = try CLI.run(["show", "--db", db, run])
        #expect(show.stdout.contains("[crashed]"), "\(show.stdout)")
        let compare = try CLI.run(["compare", "--db", db, run, "--format", "json"])
        #expect(compare.stdout.contains("\"status\":\"crashed\"") || compare.stdout.contains("\"status\": \"crashed\""), "\(compare.stdout)")
        let experiments = try CLI.run(["experiments", "--db", db, "--format", "csv"])
        #expect(experiments.status == 0)
        #expect(try UntouchedFileTests.snapshot(folder) == before, "a read command wrote to the store")
        #expect(try Store(path: db, readOnly: true).resolveRun(run).status == .crashed)
        // A writing command may persist what it can prove: the stored status becomes crashed too.
        #expect(try CLI.run(["tag", "--db", db, run, "seen=yes"]).status == 0)
        let stored = try Connection(path: db, mode: .readOnly).first("SELECT status FROM runs WHERE id = ?", [.text(run)]) { $0.text(0) }
        #expect(stored == "crashed")
    }

    @Test("tracker migrate upgrades an older store and says what it applied; read commands refuse or read it without writing")
    func migrateCommand() throws {
        let (tmp, _, _, folder) = try setUp()
        _ = tmp
        let db = folder + "/old.db"
        do {
            let c = try Connection(path: db, mode: .readWrite)
            try Migrator.migrate(c, migrations: Array(Migration.embedded.prefix(1)))
        }
        let before = try UntouchedFileTests.snapshot(folder)
        // Version 1 lacks only what readers can do without: read as it is, not upgraded.
        #expect(try CLI.run(["runs", "--db", db]).status == 0)
        #expect(try CLI.run(["experiments", "--db", db]).status == 0)
        let status = try CLI.run(["sweep", "status", "--db", db])
        #expect(status.status == 0 && status.stderr.contains("no queued runs"), "\(status.stderr)")
        #expect(try UntouchedFileTests.snapshot(folder) == before)
        let first = try CLI.run(["migrate", "--db", db])
        #expect(first.status == 0)
        for m in Migration.embedded.dropFirst() { #expect(first.stdout.contains("applied migration \(m.version) (\(m.name))"), "\(first.stdout)") }
        let again = try CLI.run(["migrate", "--db", db])
        #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout)")
    }
}
