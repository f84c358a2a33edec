import Foundation

/// A request as the UI sees it: the method, a decoded path, the query's values (repeated
/// keys kept) and the body (already bounded by the server).
public struct UIRequest: Sendable, Equatable {
    /// `GET`, `HEAD`, `POST`, …
    public var method: String
    /// The path split at `/` and percent-decoded (`/api/runs/ab12` → `["api", "runs", "ab12"]`).
    public var segments: [String]
    /// Query values by name, in order (`?run=a&run=b` → `["run": ["a", "b"]]`).
    public var query: [String: [String]]
    /// The request body (empty for GET).
    public var body: [UInt8]
    /// Header values by lower-cased name (the last one when repeated); set by the server.
    public var headers: [String: String] = [:]

    public init(segments: [String], query: [String: [String]] = [:], method: String = "GET", body: [UInt8] = []) {
        self.method = method
        self.segments = segments
        self.query = query
        self.body = body
    }

    /// Parses a request target such as `/runs/ab12?where=status%20%3D%20'finished'`.
    public init(target: String, method: String = "GET", body: [UInt8] = []) {
        self.method = method
        self.body = body
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? "/"
        segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        query = [:]
        guard parts.count > 1 else { return }
        for pair in parts[1].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let plain = s.replacingOccurrences(of: "+", with: " ")
                return plain.removingPercentEncoding ?? plain
            }
            let key = decode(kv[0])
            query[key, default: []].append(kv.count > 1 ? decode(kv[1]) : "")
        }
    }

    /// The first non-blank value of a query parameter.
    public func value(_ name: String) -> String? {
        query[name]?.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}
