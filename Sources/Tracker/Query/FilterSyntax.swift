/// The syntax tree of a run filter (`params.dropout = 0.5 and metrics.val_acc > 0.85`).
///
/// AND and OR are n-ary (two operands or more, in the order written), so a chain of 1,000
/// terms is one node, not a 1,000-deep tree: walking or releasing a tree recurses only as
/// deep as the parentheses and NOTs, which the parser bounds (`FilterLimits.maxDepth`).
public indirect enum FilterExpression: Sendable, Equatable {
    case and([FilterExpression])
    case or([FilterExpression])
    case not(FilterExpression)
    case comparison(FilterComparison)
}

/// Which summary of a metric series a comparison reads (default: the latest value).
public enum MetricAggregate: String, Sendable, Equatable, CaseIterable {
    case last, min, max
}

/// A run attribute (a column of `runs`, not a param, metric or tag).
public enum RunAttribute: String, Sendable, Equatable, CaseIterable {
    case id, name, status, experiment, origin, parent, configHash = "config_hash"
    case seed, start = "start_time", end = "end_time", duration

    /// Accepted spellings, MLflow's included (`run_name`, `attributes.start_time`).
    static func named(_ raw: String) -> RunAttribute? {
        switch raw.lowercased() {
        case "id", "run_id", "run": .id
        case "name", "run_name": .name
        case "status": .status
        case "experiment", "experiment_name": .experiment
        case "origin": .origin
        case "parent", "parent_id", "parent_run_id": .parent
        case "config_hash": .configHash
        case "seed": .seed
        case "start", "start_time", "started", "started_at", "created": .start
        case "end", "end_time", "ended_at": .end
        case "duration": .duration
        default: nil
        }
    }

    /// Numeric attributes compare numbers; the others compare text.
    var isNumeric: Bool { self == .seed || self == .start || self == .end || self == .duration }
}

/// What a comparison looks at.
public enum FilterField: Sendable, Equatable {
    case param(String)
    case metric(String, MetricAggregate)
    case tag(String)
    case attribute(RunAttribute)

    /// The field as a user would write it.
    public var display: String {
        switch self {
        case .param(let k): "params.\(k)"
        case .metric(let k, let a): a == .last ? "metrics.\(k)" : "metrics.\(k).\(a.rawValue)"
        case .tag(let k): "tags.\(k)"
        case .attribute(let a): a.rawValue
        }
    }
}

/// A literal value in a filter.
public enum FilterLiteral: Sendable, Equatable {
    case string(String)
    /// A number with its source text (used when the number is compared as text, e.g. a tag).
    case number(Double, String)

    var text: String {
        switch self {
        case .string(let s): s
        case .number(_, let t): t
        }
    }
}

/// Comparison operators of the language.
public enum FilterOperator: String, Sendable, Equatable {
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case like = "LIKE", notLike = "NOT LIKE", ilike = "ILIKE", notIlike = "NOT ILIKE"
    case isIn = "IN", notIn = "NOT IN", isNull = "IS NULL", isNotNull = "IS NOT NULL"

    var isOrdering: Bool { self == .less || self == .lessOrEqual || self == .greater || self == .greaterOrEqual }
    var isPattern: Bool { self == .like || self == .notLike || self == .ilike || self == .notIlike }
    var isList: Bool { self == .isIn || self == .notIn }
    var isNullTest: Bool { self == .isNull || self == .isNotNull }
}

/// `field op value(s)`.
public struct FilterComparison: Sendable, Equatable {
    public var field: FilterField
    public var op: FilterOperator
    /// One value, several for `IN`, none for `IS NULL`.
    public var values: [FilterLiteral]
    /// 1-based column of the field in the filter text.
    public var column: Int

    public init(field: FilterField, op: FilterOperator, values: [FilterLiteral], column: Int) {
        self.field = field; self.op = op; self.values = values; self.column = column
    }
}
