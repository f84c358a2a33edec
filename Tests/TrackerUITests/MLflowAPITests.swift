import Foundation
import Testing
import Tracker
@testable import TrackerUI

@Suite("MLflow REST API of tracker server")
struct MLflowAPITests {
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("mlflow-api-\(UUID().uuidString)")

    func service(_ access: MLflowAccess = .open) throws -> MLflowService {
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        return try MLflowService(databasePath: tmp.appendingPathComponent("t.db").path, access: access)
    }

    func call(_ s: MLflowService, _ method: String, _ target: String, _ body: String = "", token: String? = nil) -> (Int, JSONValue?) {
        var r = UIRequest(target: target, method: method, body: Array(body.utf8))
        if let token { r.headers["authorization"] = "Bearer \(token)" }
        guard let response = s.respond(r) else { return (0, nil) }
        return (response.status, try? JSONValue.parse(response.bodyText))
    }

    @Test("create, log (NaN as bare token and as string, int64 as strings), read back")
    func roundTrip() throws {
        let s = try service()
        let (status, created) = call(s, "POST", "/api/2.0/mlflow/runs/create", #"{"experiment_id": "0", "run_name": "r"}"#)
        #expect(status == 200)
        let id = try #require(created?[path: "run.info.run_id"]?.stringValue)
        #expect(call(s, "POST", "/api/2.0/mlflow/runs/log-batch",
                     #"{"run_id": "\#(id)", "metrics": [{"key": "a", "value": NaN, "timestamp": "5", "step": "1"}, {"key": "a", "value": "Infinity", "timestamp": 6, "step": 2}]}"#).0 == 200)
        let (_, history) = call(s, "GET", "/api/2.0/mlflow/metrics/get-history?run_id=\(id)&metric_key=a")
        #expect(history?[path: "metrics.0.value"] == .string("NaN"))
        #expect(history?[path: "metrics.1.value"] == .string("Infinity"))
        #expect(history?[path: "metrics.1.timestamp"] == .int(6))
    }

    @Test("unknown endpoints and methods answer ENDPOINT_NOT_FOUND as JSON with 404; the UI's pages pass through")
    func refusals() throws {
        let s = try service()
        for (m, t) in [("POST", "/api/2.0/mlflow/registered-models/create"), ("GET", "/api/2.0/mlflow/runs/log-batch"), ("GET", "/api/2.0/x"),
                       ("PATCH", "/api/2.0/mlflow-artifacts/artifacts/0/x/artifacts/a")] {
            let (status, body) = call(s, m, t)
            #expect(status == 404 && body?[path: "error_code"] == .string("ENDPOINT_NOT_FOUND"), "\(m) \(t)")
        }
        #expect(call(s, "GET", "/runs").0 == 0)
    }

    @Test("tokens: none or a wrong one is 401, a read token writing is 403, a write token may write")
    func tokens() throws {
        let access = try MLflowAccess(tokenFile: "# x\nread rrrrrrrrrrrrrrrrrrrr\nwrite wwwwwwwwwwwwwwwwwwww\n", path: "f")
        let s = try service(access)
        #expect(call(s, "GET", "/api/2.0/mlflow/experiments/get?experiment_id=0").0 == 401)
        #expect(call(s, "GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", token: "wrongwrongwrongwrong").0 == 401)
        #expect(call(s, "GET", "/runs", token: "wrongwrongwrongwrong").0 == 401)
        #expect(call(s, "POST", "/api/2.0/mlflow/experiments/create", #"{"name": "e"}"#, token: "rrrrrrrrrrrrrrrrrrrr").0 == 403)
        #expect(call(s, "POST", "/api/2.0/mlflow/experiments/create", #"{"name": "e"}"#, token: "wwwwwwwwwwwwwwwwwwww").0 == 200)
        #expect(call(s, "GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=e", token: "rrrrrrrrrrrrrrrrrrrr").0 == 200)
        for bad in ["admin tok", "read short", "write " + String(repeating: "x", count: 300), "read a b c", "read tökentökentökentöken"] {
            #expect(throws: MLflowError.self) { _ = try MLflowAccess(tokenFile: bad, path: "f") }
        }
    }

    @Test("generated garbage bodies never crash the reader and answer 4xx in MLflow's error shape")
    func garbage() throws {
        let s = try service()
        var g = SplitMix64(state: 2026)
        let pieces = ["{", "}", "[", "]", "\"", ":", ",", "NaN", "-", "1e", "9999999999999999999999", "\\u", "\\uD800", "null", " ", "\"run_id\"", "\u{0}"]
        for _ in 0..<300 {
            let body = (0..<Int(g.next() % 30)).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined()
            let (status, json) = call(s, "POST", "/api/2.0/mlflow/runs/log-metric", body)
            #expect((400..<500).contains(status) && json?[path: "error_code"] != nil, "\(body)")
        }
        #expect(throws: (any Error).self) { _ = try MLflowJSON.parse(Array(String(repeating: "[", count: 100_000).utf8)) }
        #expect(throws: (any Error).self) { _ = try MLflowJSON.parse(Array("1e400".utf8)) }
        #expect(try MLflowJSON.parse(Array(#"{"a": [-Infinity, 1.5, "\u00e9"]}"#.utf8))[path: "a.2"] == .string("é"))
    }
}
