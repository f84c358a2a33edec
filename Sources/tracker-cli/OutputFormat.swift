import ArgumentParser
import Tracker

/// `--format table|json|csv`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// `--format table|json` for the commands whose output is one nested document (`show`, `diff`):
/// it has no CSV form, so `csv` is refused by the parser instead of printing a table.
enum DocumentFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// `--format` shared by the reading commands.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table (for people), json or csv (for scripts).")
    var format: OutputFormat = .table

    /// Prints a JSON document, pretty and newline-terminated.
    func printJSON(_ value: JSONValue) { Console.out(utf8: value.prettyUTF8) }
}
