import ArgumentParser
import Tracker

/// `tracker checkpoints RUN`: the checkpoints a run stored.
struct CheckpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoints", abstract: "List a run's checkpoints.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run id (any unique prefix).") var runID: String
    @OptionGroup var output: FormatOptions

    func run() throws {
        let list = try store.openForReading().checkpoints(run: runID)
        switch output.format {
        case .json: output.printJSON(.array(list.map(\.json)))
        case .csv:
            Console.out(CSV.table(["id", "step", "epoch", "kind", "size", "sha256", "time"], list.map {
                [String($0.id), String($0.step), $0.epoch.map(String.init) ?? "", $0.kind.rawValue, String($0.size), $0.sha256, Format.isoTime($0.createdAt) ?? ""]
            }), terminator: "")
        case .table:
            if list.isEmpty { Console.err("run has no checkpoints"); return }
            Console.out(CheckpointTable.render(list))
        }
    }
}

/// The checkpoint table shared by `checkpoints` and `show`.
enum CheckpointTable {
    static func render(_ list: [CheckpointInfo]) -> String {
        var t = TextTable(["id", "step", "epoch", "kind", "size", "sha256", "saved"])
        for c in list {
            t.add([String(c.id), String(c.step), c.epoch.map(String.init) ?? "-", c.kind.rawValue, Format.bytes(Int64(c.size)),
                   String(c.sha256.prefix(16)), Format.localTime(c.createdAt)])
        }
        t.rightAligned = [0, 1, 2, 4]
        return t.render()
    }
}
