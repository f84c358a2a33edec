/// A filter in the shape it is compiled in: NOTs pushed down to the comparisons
/// (De Morgan, exact in SQL's three-valued logic) and runs of the same operator merged into
/// one n-ary group, so `((a))`, `not not a` and `a and (b and c)` cost no SQL nesting.
indirect enum FilterShape {
    case comparison(FilterComparison, negated: Bool)
    /// `isAnd`: all operands hold, else any; at least two operands.
    case group(isAnd: Bool, [FilterShape])

    /// The shape of `e`, negated when `negated`. Chains of one operator (the parser's
    /// left-deep trees, up to `FilterLimits.maxTerms` long) are walked in a loop, so the
    /// recursion only follows the nesting, which the parser bounds.
    init(_ e: FilterExpression, negated: Bool = false) {
        switch e {
        case .comparison(let c): self = .comparison(c, negated: negated)
        case .not(let inner): self = FilterShape(inner, negated: !negated)
        case .and, .or:
            let isAnd = e.isAnd != negated
            var operands: [FilterShape] = []
            var pending: [FilterExpression] = []  // right operands, innermost last
            var current = e
            while current.isAnd == e.isAnd, let (left, right) = current.operands {
                pending.append(right)
                current = left
            }
            pending.append(current)
            for operand in pending.reversed() {
                let shape = FilterShape(operand, negated: negated)
                if case .group(isAnd, let inner) = shape { operands += inner } else { operands.append(shape) }
            }
            self = .group(isAnd: isAnd, operands)
        }
    }

    /// The first comparison, for the column of an error.
    var firstColumn: Int {
        var s = self
        while case .group(_, let items) = s, let first = items.first { s = first }
        if case .comparison(let c, _) = s { return c.column }
        return 1
    }
}

extension FilterExpression {
    /// `true` for AND, `false` for OR, nil otherwise.
    var isAnd: Bool? {
        switch self {
        case .and: true
        case .or: false
        default: nil
        }
    }

    var operands: (FilterExpression, FilterExpression)? {
        switch self {
        case .and(let a, let b), .or(let a, let b): (a, b)
        default: nil
        }
    }
}
