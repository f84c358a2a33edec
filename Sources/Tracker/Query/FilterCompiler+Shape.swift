/// A filter in the shape it is compiled in: NOTs pushed down to the comparisons
/// (De Morgan, exact in SQL's three-valued logic) and runs of the same operator merged into
/// one n-ary group, so `((a))`, `not not a` and `a and (b and c)` cost no SQL nesting.
indirect enum FilterShape {
    case comparison(FilterComparison, negated: Bool)
    /// `isAnd`: all operands hold, else any; at least two operands.
    case group(isAnd: Bool, [FilterShape])

    /// The shape of `expression`, negated when `negated`. NOT chains are unwrapped in a loop
    /// and AND/OR operands iterated, so the recursion only follows the nesting of groups,
    /// which the parser bounds.
    init(_ expression: FilterExpression, negated: Bool = false) {
        var e = expression, negated = negated
        while case .not(let inner) = e { e = inner; negated.toggle() }  // NOT chains in a loop
        switch e {
        case .comparison(let c): self = .comparison(c, negated: negated)
        case .not(let inner): self = FilterShape(inner, negated: !negated)  // not reached: the loop unwrapped NOTs
        case .and(let items), .or(let items):
            // De Morgan under negation; operands of the same operator merge into this group.
            let isAnd = (e.isAnd == true) != negated
            var operands: [FilterShape] = []
            for item in items {
                let shape = FilterShape(item, negated: negated)
                if case .group(isAnd, let inner) = shape { operands += inner } else { operands.append(shape) }
            }
            self = operands.count == 1 ? operands[0] : .group(isAnd: isAnd, operands)
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
}
