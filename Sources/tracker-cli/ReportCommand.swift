import ArgumentParser
import Foundation
import Tracker

/// `tracker report EXPERIMENT -o DIR`: a Markdown page with the tables and SVG charts of one experiment.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write a Markdown report (findings computed from the runs, config, tables, alerts, SVG charts) of one experiment into a folder.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The experiment name (see: tracker experiments).") var experiment: String
    @Option(name: .shortAndLong, help: "The folder to write README.md and the charts into.") var output: String

    func run() throws {
        let report = try StudyReport(store: store.openForReading(), experiment: experiment)
        let files = try report.write(to: output)
        Console.err("wrote \(files.count) files into \(output) (\(report.comparison.rows.count) runs, \(report.figures.count) charts)")
    }
}
