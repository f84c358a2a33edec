import Foundation
import Tracker

/// The fields of an MLflow request: the JSON body of a POST, or the query of a GET (what
/// MLflow's client sends for its GET endpoints), read with types and bounds.
struct MLflowRequest {
    var fields: [String: JSONValue]

    /// JSON bodies above this size are refused (artifacts are bounded by the server only).
    static let maxJSONBody = 4 * 1024 * 1024

    init(_ request: UIRequest) throws {
        if request.method == "GET" || request.method == "HEAD" || request.body.isEmpty {
            var f: [String: JSONValue] = [:]
            for (k, vs) in request.query { f[k] = vs.count == 1 ? .string(vs[0]) : .array(vs.map { .string($0) }) }
            fields = f
            return
        }
        guard request.body.count <= MLflowRequest.maxJSONBody else {
            throw MLflowError(.invalidParameterValue, "the JSON body is larger than \(MLflowRequest.maxJSONBody) bytes")
        }
        let parsed: JSONValue
        do { parsed = try MLflowJSON.parse(request.body) } catch let e as MLflowJSON.SyntaxError {
            throw MLflowError(.badRequest, "the body is not valid JSON: \(e.message)")
        }
        guard case .object(let o) = parsed else { throw MLflowError(.badRequest, "the body must be a JSON object") }
        fields = o
    }

    init(fields: [String: JSONValue]) { self.fields = fields }

    func string(_ name: String) throws -> String? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        case .bool(let b)?: return b ? "true" : "false"
        default: throw MLflowError(.invalidParameterValue, "'\(name)' must be a string")
        }
    }

    func required(_ name: String) throws -> String {
        guard let s = try string(name), !s.isEmpty else { throw MLflowError(.invalidParameterValue, "missing value for required parameter '\(name)'") }
        return s
    }

    /// An integer (JSON number or, as protobuf's JSON writes int64, a string), within `range`.
    func int(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        let v: Int64?
        switch fields[name] {
        case nil, .null?: return nil
        case .int(let i)?: v = i
        case .double(let d)?: v = d.rounded() == d && abs(d) < 9e18 ? Int64(d) : nil
        case .string(let s)?: v = s.utf8.count <= 20 ? Int64(s.trimmingCharacters(in: .whitespaces)) : nil
        default: v = nil
        }
        guard let v, range.contains(v) else {
            throw MLflowError(.invalidParameterValue, "'\(name)' must be an integer between \(range.lowerBound) and \(range.upperBound)")
        }
        return v
    }

    /// A double: a JSON number, bare NaN/Infinity, or the strings "NaN", "Infinity", "-Infinity".
    static func double(_ v: JSONValue?, name: String) throws -> Double {
        switch v {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        case .string(let s)?:
            switch s {
            case "NaN", "nan": return .nan
            case "Infinity", "inf", "+Infinity": return .infinity
            case "-Infinity", "-inf": return -.infinity
            default: if s.utf8.count <= 64, let d = Double(s) { return d }
            }
        default: break
        }
        throw MLflowError(.invalidParameterValue, "'\(name)' must be a number")
    }

    func strings(_ name: String) throws -> [String] {
        switch fields[name] {
        case nil, .null?: return []
        case .string(let s)?: return [s]
        case .array(let a)?:
            guard a.count <= 1000 else { throw MLflowError(.invalidParameterValue, "'\(name)' has more than 1000 values") }
            return try a.map { guard case .string(let s) = $0 else { throw MLflowError(.invalidParameterValue, "'\(name)' must hold strings") }; return s }
        default: throw MLflowError(.invalidParameterValue, "'\(name)' must be a list of strings")
        }
    }

    /// A list of objects (`metrics`, `params`, `tags`), at most `limit` (+1 so callers see "too many").
    func objects(_ name: String) throws -> [MLflowRequest] {
        switch fields[name] {
        case nil, .null?: return []
        case .array(let a)?:
            return try a.map { guard case .object(let o) = $0 else { throw MLflowError(.invalidParameterValue, "'\(name)' must hold objects") }; return MLflowRequest(fields: o) }
        default: throw MLflowError(.invalidParameterValue, "'\(name)' must be a list")
        }
    }

    /// `key`/`value` pairs of a list (params, tags).
    func pairs(_ name: String) throws -> [(String, String)] {
        try objects(name).map { (try $0.required("key"), try $0.string("value") ?? "") }
    }

    func metric(defaultTimestamp: Int64) throws -> MLflowMetric {
        MLflowMetric(key: try required("key"), value: try MLflowRequest.double(fields["value"], name: "value"),
                     timestamp: try int("timestamp", in: -(1 << 53)...(1 << 53)) ?? defaultTimestamp,
                     step: try int("step", in: Int64.min...Int64.max) ?? 0)
    }

    func viewType(_ name: String) throws -> MLflowViewType {
        guard let s = try string(name) else { return .activeOnly }
        if let n = Int64(s) { switch n { case 1: return .activeOnly; case 2: return .deletedOnly; case 3: return .all; default: break } }
        guard let v = MLflowViewType(rawValue: s.uppercased()) else {
            throw MLflowError(.invalidParameterValue, "'\(name)' must be ACTIVE_ONLY, DELETED_ONLY or ALL")
        }
        return v
    }

    /// A page: `max_results` (default `defaultLimit`, at most `maxLimit`) and `page_token`.
    func page(defaultLimit: Int, maxLimit: Int) throws -> (limit: Int, offset: Int) {
        let limit = try int("max_results", in: 1...Int64(maxLimit)).map(Int.init) ?? defaultLimit
        var offset = 0
        if let token = try string("page_token"), !token.isEmpty {
            guard token.utf8.count <= 12, let n = Int(token), n >= 0 else {
                throw MLflowError(.invalidParameterValue, "invalid page_token '\(token.prefix(40))': pass back the next_page_token of the previous page")
            }
            offset = n
        }
        return (limit, offset)
    }
}
