/// BatchNorm running statistics of a run summarised per layer and epoch (`tracker bn`).
public struct BNReport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var layer: String
        public var step: Int
        public var epoch: Int?
        public var channels: Int
        public var meanAverage: Double
        public var meanAbsMax: Double
        public var varAverage: Double
        public var varMin: Double
        public var varMax: Double

        public var json: JSONValue {
            .object(["layer": .string(layer), "step": .int(Int64(step)), "epoch": epoch.map { .int(Int64($0)) } ?? .null,
                     "channels": .int(Int64(channels)), "mean_avg": .double(meanAverage), "mean_abs_max": .double(meanAbsMax),
                     "var_avg": .double(varAverage), "var_min": .double(varMin), "var_max": .double(varMax)])
        }
    }

    /// Layers in recording order, each by step.
    public var rows: [Row]

    public init(stats: [BNStat]) {
        rows = stats.map {
            Row(layer: $0.layer, step: $0.step, epoch: $0.epoch, channels: $0.runningMean.count, meanAverage: $0.meanAverage,
                meanAbsMax: $0.meanAbsMax, varAverage: $0.varAverage, varMin: $0.varMin, varMax: $0.varMax)
        }
    }

    public var json: JSONValue { .array(rows.map(\.json)) }
}
