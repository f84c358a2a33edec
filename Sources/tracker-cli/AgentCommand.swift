import ArgumentParser
import Foundation
import Tracker
import Trainer

/// `tracker agent`: claims queued runs one at a time and trains them.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Train queued runs (tracker sweep submit) one at a time: claim one atomically, train it under a lease, take the next.",
        discussion: """
            Start one agent per node, Slurm array task or Kubernetes pod, all on the same store (--db or $TRACKER_DB). \
            A run whose agent died (kill -9, a preempted node) is claimed again once its lease expires (its pid is gone on \
            this host, or no heartbeat for 60 s; TRACKER_LEASE_SECONDS sets another expiry, the same for every process) and \
            resumed from its last checkpoint: its series equal those of a run never stopped. SIGTERM or Ctrl-C checkpoints \
            the current run and stops the agent; the run is resumed by the next agent. Without --until-empty an agent waits \
            for new runs when the queue is empty. Exits 1 when a run it trained did not finish.
            """)

    static let countRange = 1...1_000_000
    static let pollRange = 1...3_600

    @OptionGroup var store: StoreOptions
    @Option(help: "Stop after training this many runs.") var count: Int?
    @Option(help: "Only claim runs of this experiment.") var experiment: String?
    @Flag(help: "Stop when no run is left to claim (instead of waiting for more).") var untilEmpty = false
    @Option(help: ArgumentHelp("Seconds between looks at an empty queue (without --until-empty).", valueName: "seconds")) var poll: Int = 10

    func validate() throws {
        try OptionBounds.check(count, "count", Self.countRange)
        try OptionBounds.check(poll, "poll", Self.pollRange)
    }

    func run() throws {
        let opened = try store.openExisting()
        if let experiment { try opened.requireExperiment(experiment) }
        let trap = SignalTrap()
        let runner = ExperimentRunner(store: opened, progress: ProgressPrinter(), interrupt: trap.flag)
        let me = "agent pid \(Liveness.pid)@\(Liveness.hostName)"
        var steps: [ExperimentRunner.AgentStep] = []
        let started = Date()
        var claiming = 0.0
        while trap.exitCode == nil, count.map({ steps.count < $0 }) ?? true {
            let asked = Date()
            let next = try runner.claimNext(experiment: experiment)
            claiming += Date().timeIntervalSince(asked)
            guard let claim = next else {
                if untilEmpty { break }
                if !sleep(seconds: poll, unless: trap) { break }
                continue
            }
            let resume = claim.resumes ? ", resuming it" + (claim.previous.map { " (was held by \($0.describe()))" } ?? "") : ""
            Console.out("\(me): claimed run \(claim.run.id) \(claim.run.name)\(resume)")
            let step = runner.train(claimed: claim)
            if let problem = step.problem { Console.err("\(me): run \(claim.run.id) \(step.status.rawValue): \(problem)") }
            steps.append(step)
        }
        let finished = steps.filter { $0.status == .finished }.count
        // The cost of sharing: time in claims, in store writes (mostly overlapping training),
        // and the part of recording that held training up.
        let cost = "claims \(Format.milliseconds(claiming)), store writes \(Format.milliseconds(RecorderClock.seconds)), training held \(Format.milliseconds(RecorderClock.heldSeconds)) of \(Format.milliseconds(Date().timeIntervalSince(started)))"
        Console.out("\(me): trained \(steps.count) run\(steps.count == 1 ? "" : "s"), \(finished) finished" + (steps.count > finished ? ", \(steps.count - finished) not" : "")
                    + " (\(cost))")
        if let code = trap.exitCode { throw ExitCode(code) }
        if finished < steps.count { throw ExitCode(1) }
    }

    /// Sleeps `seconds`, waking early for a signal; false when one arrived.
    private func sleep(seconds: Int, unless trap: SignalTrap) -> Bool {
        let end = Date().addingTimeInterval(Double(seconds))
        while Date() < end {
            if trap.exitCode != nil { return false }
            Thread.sleep(forTimeInterval: min(0.2, max(0, end.timeIntervalSinceNow)))
        }
        return trap.exitCode == nil
    }
}
