import Foundation

/// An ordering of runs: a field and a direction (`metrics.val_acc:desc`, `params.lr`, `start`).
public struct RunSort: Sendable, Equatable {
    public var field: FilterField
    public var descending: Bool

    public init(field: FilterField, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }

    /// Parses `KEY[:asc|desc]` (ascending unless told otherwise).
    public static func parse(_ text: String) throws -> RunSort {
        var key = text.trimmingCharacters(in: .whitespaces)
        var descending = false
        if let colon = key.lastIndex(of: ":") {
            let direction = key[key.index(after: colon)...].lowercased()
            guard direction == "asc" || direction == "desc" else {
                throw FilterError(.invalidValue, "sort direction must be asc or desc, not '\(direction)'",
                                  column: key.distance(from: key.startIndex, to: colon) + 2, filter: text)
            }
            descending = direction == "desc"
            key = String(key[..<colon])
        }
        return RunSort(field: try FilterParser.parseField(key), descending: descending)
    }

    /// `ORDER BY` terms (missing values last) and their bound values.
    func orderBy() -> (sql: String, values: [SQLValue]) {
        let dir = descending ? "DESC" : "ASC"
        switch field {
        case .param(let key):
            return ("(SELECT value_num FROM params WHERE run_seq = r.seq AND key = ?) \(dir) NULLS LAST, "
                    + "(SELECT value_text FROM params WHERE run_seq = r.seq AND key = ?) \(dir) NULLS LAST", [.text(key), .text(key)])
        case .metric(let key, let aggregate):
            return ("(SELECT \(MetricAggregate.column(aggregate)) FROM latest_metrics WHERE run_seq = r.seq "
                    + "AND key_id = (SELECT id FROM keys WHERE name = ?)) \(dir) NULLS LAST", [.text(key)])
        case .tag(let key):
            return ("(SELECT value FROM tags WHERE run_seq = r.seq AND key = ?) \(dir) NULLS LAST", [.text(key)])
        case .attribute(let a):
            return ("\(a.column) \(dir) NULLS LAST", [])
        }
    }
}
