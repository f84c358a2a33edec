import ArgumentParser
import Tracker

/// `--format table|json|csv`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// `--format` shared by the reading commands.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table (for people), json or csv (for scripts).")
    var format: OutputFormat = .table

    /// Prints a JSON document, pretty and newline-terminated.
    func printJSON(_ value: JSONValue) { Console.out(utf8: value.prettyUTF8) }
}
