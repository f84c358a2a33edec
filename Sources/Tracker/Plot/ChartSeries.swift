/// One line of a chart: a label and its points in x order.
public struct ChartSeries: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    public var label: String
    public var points: [Point]

    public init(label: String, points: [Point]) {
        self.label = label
        self.points = points
    }

    public init(label: String, xs: [Double], ys: [Double]) {
        self.init(label: label, points: zip(xs, ys).map { Point(x: $0, y: $1) })
    }
}
