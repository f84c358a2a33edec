import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Tracker

/// Collects what the SVG tests check: element names, path data and text.
private final class SVGProbe: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var paths: [String] = []
    var text = ""
    var stack: [String] = []
    var parseError: (any Error)?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(name)
        stack.append(name)
        if name == "path" { paths.append(attributes["d"] ?? "") }
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { stack.removeLast() }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, parseErrorOccurred error: any Error) { parseError = error }

    static func parse(_ svg: String) -> SVGProbe? {
        let probe = SVGProbe()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = probe
        return parser.parse() && probe.parseError == nil ? probe : nil
    }

    /// The numbers of every path's d attribute.
    var coordinates: [Double] {
        paths.flatMap { d in d.split(whereSeparator: { $0 == "M" || $0 == "L" || $0 == " " }).compactMap { Double($0) } }
    }
}

@Suite("SVG line charts")
struct PlotTests {
    @Test("the SVG is well-formed XML with one path per series and finite coordinates")
    func wellFormed() throws {
        let series = [
            ChartSeries(label: "run a", xs: (0..<100).map(Double.init), ys: (0..<100).map { 1 / (1 + Double($0)) }),
            ChartSeries(label: "run b", xs: (0..<50).map(Double.init), ys: (0..<50).map { $0 == 10 ? .nan : Double($0) * 0.01 }),
            ChartSeries(label: "run c & friends", xs: [0, 1, 2], ys: [.infinity, 1, -.infinity]),
        ]
        for logY in [false, true] {
            let svg = LineChart(series: series, title: "loss", yLabel: "loss", logY: logY).svg()
            let probe = try #require(SVGProbe.parse(svg), "not well-formed XML:\n\(svg)")
            #expect(probe.elements.first == "svg")
            #expect(probe.paths.count == 3)
            #expect(probe.coordinates.allSatisfy { $0.isFinite })
            #expect(!probe.coordinates.isEmpty)
            #expect(probe.text.contains("run c & friends"))
            #expect(probe.elements.filter { $0 == "text" }.count > 6, "tick labels, axis labels, legend")
        }
    }

    @Test("a run name with <script> is escaped, not markup")
    func escaping() throws {
        let evil = "<script>alert('x')</script> & \"q\""
        let svg = LineChart(series: [ChartSeries(label: evil, xs: [0, 1], ys: [0, 1])], title: evil, xLabel: evil, yLabel: evil).svg()
        #expect(!svg.contains("<script>"))
        let probe = try #require(SVGProbe.parse(svg))
        #expect(!probe.elements.contains("script"))
        #expect(probe.text.contains(evil))
    }

    @Test("no data still draws axes and says so")
    func empty() throws {
        let svg = LineChart(series: [ChartSeries(label: "nothing", points: [])]).svg()
        let probe = try #require(SVGProbe.parse(svg))
        #expect(probe.paths.count == 1)
        #expect(probe.text.contains("no data"))
    }

    @Test("1,000,000 points are downsampled per pixel and keep the extremes")
    func downsampling() throws {
        let n = 1_000_000
        var ys = (0..<n).map { sin(Double($0) / 5000) }
        ys[123_457] = 50  // a spike must survive
        let series = ChartSeries(label: "big", xs: (0..<n).map(Double.init), ys: ys)
        let clock = ContinuousClock()
        var svg = ""
        let elapsed = clock.measure { svg = LineChart(series: [series], width: 1000).svg() }
        #expect(elapsed < .seconds(5), "took \(elapsed)")
        let probe = try #require(SVGProbe.parse(svg))
        let pathPoints = probe.coordinates.count / 2
        #expect(pathPoints < 5_000, "\(pathPoints) points drawn")
        let reduced = Downsample.minMax(series.points, buckets: 900, xRange: (0, Double(n)))
        #expect(reduced.contains { $0.y == 50 })
        #expect(reduced.count <= 900 * 4)
    }

    @Test("nice ticks cover the range; log ticks are decades")
    func ticks() {
        let t = AxisTicks.linear(lo: 0.13, hi: 0.87)
        #expect(t.lo <= 0.13 && t.hi >= 0.87)
        #expect(t.ticks.count >= 3 && t.ticks.count <= 12)
        let l = AxisTicks.log(lo: 1e-4, hi: 3)
        #expect(l.ticks.first == -4 && l.ticks.last == 1)
        #expect(AxisTicks.label(0.00001) == "1e-05")
        #expect(AxisTicks.label(250) == "250")
    }

    @Test("sparklines and heat maps fit the width")
    func textCharts() {
        let s = Sparkline.render((0..<1000).map(Double.init), width: 40)
        #expect(s.count == 40)
        #expect(s.first == "▁" && s.last == "█")
        let map = TextHeatMap(labels: ["layers.0.weight", "layers.1.weight"], values: [[1e-6, 1e-6, 1e-5], [1, 10, .nan]]).render(width: 40)
        #expect(map.lines.count == 2)
        #expect(map.lines.allSatisfy { $0.count <= 40 })
        #expect(map.lines[1].contains("█"))
        #expect(map.lines[0].contains(" "))
    }
}
