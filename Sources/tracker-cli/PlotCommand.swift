import ArgumentParser
import Foundation
import Tracker

/// `tracker plot RUN… --metric M`: an SVG line chart, or sparklines in the terminal.
struct PlotCommand: ParsableCommand {
    enum XAxis: String, ExpressibleByArgument, CaseIterable { case step, epoch, time }

    static let configuration = CommandConfiguration(
        commandName: "plot", abstract: "Plot metrics of runs: an SVG line chart with -o, else a sparkline per series.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run ids (unique prefixes).") var runs: [String]
    @Option(name: .customLong("metric"), help: "A metric to plot (repeatable).") var metrics: [String]
    @Option(name: .shortAndLong, help: "Write the chart to this SVG file.") var output: String?
    @Flag(help: "Logarithmic y axis.") var logY = false
    @Option(help: "The x axis: step, epoch or time (seconds since the run's first point).") var x: XAxis = .step
    @Option(help: "Chart width in pixels.") var width = 900
    @Option(help: "Chart height in pixels.") var height = 500
    @Option(help: "Chart title.") var title: String?

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run id") }
        if metrics.isEmpty { throw ValidationError("give at least one --metric") }
        try OptionBounds.check(width, "width", OptionBounds.chartSide)
        try OptionBounds.check(height, "height", OptionBounds.chartSide)
    }

    func run() throws {
        let series = try store.openForReading().chartSeries(runs: runs, metrics: metrics, x: ChartAxis(rawValue: x.rawValue) ?? .step)
        if let output {
            let chart = LineChart(series: series, title: title ?? metrics.joined(separator: ", "), xLabel: x.rawValue,
                                  yLabel: metrics.count == 1 ? metrics[0] : "value", logY: logY, width: width, height: height)
            try Data(chart.svg().utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            Console.err("wrote \(output) (\(series.count) series)")
            return
        }
        let labelWidth = min(40, series.map(\.label.count).max() ?? 0)
        let sparkWidth = max(10, Console.width - labelWidth - 30)
        for s in series {
            let ys = s.points.map(\.y), finite = ys.filter(\.isFinite)
            let label = s.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            Console.out("\(label) \(Sparkline.render(ys, width: sparkWidth, logScale: logY)) \(Format.number(finite.min()))…\(Format.number(finite.max())) last \(Format.number(ys.last))")
        }
    }
}
