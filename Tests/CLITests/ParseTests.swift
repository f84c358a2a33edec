import ArgumentParser
import Foundation
import Testing
import Tracker
@testable import tracker_cli

/// The command line as swift-argument-parser sees it: `parseAsRoot` on argument lists, and
/// whole help texts compared with Tests/CLITests/Help/*.txt (accept deliberate changes with
/// `UPDATE_GOLDEN=1 swift test --filter ParseTests`).
@Suite("Parsing the command line")
struct ParseTests {
    @Test("parseAsRoot picks the subcommand and fills its options")
    func parses() throws {
        let runs = try #require(try TrackerCommand.parseAsRoot(["runs", "--db", "x.db", "--where", "params.lr = 0.1", "--sort", "name:desc", "--limit", "5", "--format", "json"]) as? RunsCommand)
        #expect(runs.store.path == "x.db")
        #expect(runs.filter == "params.lr = 0.1")
        #expect(runs.sort == "name:desc")
        #expect(runs.limit == 5)
        #expect(runs.output.format == .json)
        let show = try #require(try TrackerCommand.parseAsRoot(["show", "abc1", "--format", "json"]) as? ShowCommand)
        #expect(show.runID == "abc1")
        #expect(show.format == .json)
        let diff = try #require(try TrackerCommand.parseAsRoot(["diff", "a", "b"]) as? DiffCommand)
        #expect(diff.runA == "a" && diff.runB == "b" && diff.format == .table)
        let sync = try #require(try TrackerCommand.parseAsRoot(["sync", "a.db", "b.db", "--experiment", "e", "--where", "status = 'finished'", "--dry-run"]) as? SyncCommand)
        #expect(sync.source == "a.db" && sync.destination == "b.db" && sync.experiment == "e")
        #expect(sync.filter == "status = 'finished'" && sync.dryRun)
        let agent = try #require(try TrackerCommand.parseAsRoot(["agent", "--count", "3", "--experiment", "e", "--until-empty"]) as? AgentCommand)
        #expect(agent.count == 3 && agent.experiment == "e" && agent.untilEmpty && agent.poll == 10)
        let submit = try #require(try TrackerCommand.parseAsRoot(["sweep", "submit", "c.yaml", "--set", "epochs=2"]) as? SweepSubmit)
        #expect(submit.config == "c.yaml" && submit.overrides == ["epochs=2"])
        let status = try #require(try TrackerCommand.parseAsRoot(["sweep", "status", "--all", "--format", "json"]) as? SweepStatus)
        #expect(status.all && status.output.format == .json)
    }

    @Test("usage errors are parse errors, not runs: unknown subcommand, missing argument, bad enum value")
    func refuses() {
        for args in [["nonsense"], ["diff", "only-one"], ["sync", "only-src.db"], ["runs", "--format", "xml"], ["show"], ["runs", "--limit", "many"],
                     ["sweep", "submit"], ["agent", "--count", "0"], ["agent", "--poll", "-1"], ["agent", "--count", "1.5"]] {
            #expect(throws: (any Error).self, "\(args)") { _ = try TrackerCommand.parseAsRoot(args) }
        }
    }

    @Test("seeded random --count and --poll values: in range they parse, anything else is a usage error (never a crash)")
    func agentOptionValues() {
        var g = SplitMix64(state: 0xa6e47)
        let alphabet = Array("0123456789-+.e x")
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 1...22, using: &g)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
            for (option, range) in [("--count", AgentCommand.countRange), ("--poll", AgentCommand.pollRange)] {
                let parsed = try? TrackerCommand.parseAsRoot(["agent", option, text]) as? AgentCommand
                let expected = Int(text).map { range.contains($0) } ?? false
                #expect((parsed != nil) == expected, "\(option) \(text)")
            }
        }
    }

    @Test("every subcommand has help; whole help texts of the root and the main commands match their golden files")
    func helpTexts() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Help")
        for command in commands {
            #expect(!command.helpMessage(columns: 100).isEmpty)
        }
        let checked: [(String, any ParsableCommand.Type)] = [("tracker", TrackerCommand.self), ("runs", RunsCommand.self), ("show", ShowCommand.self), ("diff", DiffCommand.self),
                                                         ("sync", SyncCommand.self), ("agent", AgentCommand.self), ("sweep", SweepCommand.self),
                                                         ("sweep-submit", SweepSubmit.self), ("sweep-status", SweepStatus.self),
                                                         ("landscape", LandscapeCommand.self)]
        for (name, command) in checked {
            let text = command == TrackerCommand.self ? TrackerCommand.helpMessage(columns: 100) : TrackerCommand.helpMessage(for: command, columns: 100)
            let url = folder.appendingPathComponent("\(name).txt")
            if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
                try Data(text.utf8).write(to: url)
                continue
            }
            let expected = try #require(try? String(contentsOf: url, encoding: .utf8), "no Help/\(name).txt; run with UPDATE_GOLDEN=1")
            #expect(text == expected, "help of \(name) changed:\n\(text)")
        }
    }
}
