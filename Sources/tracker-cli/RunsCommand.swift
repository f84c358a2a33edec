import ArgumentParser
import Tracker

/// `tracker runs`: one line a run, with the params that vary and the final metrics.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List runs: id, experiment, name, status, start, duration, varying params, final metrics.",
        discussion: """
            Filters use MLflow's syntax plus OR, NOT and parentheses:
              tracker runs --where "params.dropout = 0.5 and metrics.val_acc > 0.85"
              tracker runs --where "status = 'finished' and name LIKE 'sig%'" --sort metrics.val_acc:desc
            Fields: params.KEY, metrics.KEY[.min|.max], tags.KEY, id, name, status, experiment, origin, parent,
            seed, start_time, end_time, duration. Keys with dots may be quoted: params.`optimizer.lr`.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Only runs of this experiment.") var experiment: String?
    @Option(name: .customLong("where"), help: ArgumentHelp("A filter (see below).", valueName: "filter")) var filter: String?
    @Option(help: ArgumentHelp("Order by KEY[:asc|desc] (metrics.val_acc, params.lr, start, name…); newest first by default.", valueName: "key"))
    var sort: String?
    @Option(help: "At most this many runs.") var limit: Int?
    @Flag(help: "Include soft-deleted runs.") var deleted = false
    @OptionGroup var output: FormatOptions

    func validate() throws {
        try OptionBounds.check(limit, "limit", OptionBounds.limit)
    }

    func run() throws {
        let runs = try store.openForReading().runs(where: filter, experiment: experiment, sort: sort, limit: limit, includeDeleted: deleted)
        switch output.format {
        case .json: output.printJSON(.array(runs.map(\.json)))
        case .csv: Console.out(RunListing(runs).csv(), terminator: "")
        case .table:
            if runs.isEmpty { Console.err(filter == nil ? "no runs yet" : "no run matches the filter"); return }
            Console.out(RunListing(runs).table())
        }
    }
}
