import Foundation
import Tracker

/// The MLflow tracking REST API of `tracker server` (the subset clients use to log and
/// search), over one read-write `Store`.
///
/// Mounted in front of the web UI (`UIApp(databasePath:mount:)`): it answers `/api/2.0/…`
/// and checks tokens for every request. Requests go through one connection, one at a time
/// (SQLite writes one transaction at a time anyway); each write is committed before its
/// answer is sent.
public final class MLflowService: @unchecked Sendable {
    private let lock = NSLock()
    private let store: Store
    let access: MLflowAccess

    public init(databasePath: String, access: MLflowAccess) throws {
        store = try Store(path: databasePath, access: .record)
        self.access = access
    }

    /// The answer to `request` when it is the API's (or refused for want of a token);
    /// nil lets the web UI answer.
    public func respond(_ request: UIRequest) -> UIResponse? {
        let write = !(request.method == "GET" || request.method == "HEAD")
        if let refusal = access.check(authorization: request.headers["authorization"], write: write) {
            var r = MLflowEncoding.error(refusal)
            if refusal.code == .unauthenticated { r.headers.append(("WWW-Authenticate", "Bearer")) }
            return r
        }
        let s = request.segments
        guard s.count >= 2, s[0] == "api" || s[0] == "ajax-api", s[1] == "2.0" else { return nil }
        do {
            return try lock.withLock { try route(request, Array(s.dropFirst(2))) }
        } catch let e as MLflowError {
            return MLflowEncoding.error(e)
        } catch let e as TrackerError {
            switch e {
            case .invalidArgument(let m): return MLflowEncoding.error(MLflowError(.invalidParameterValue, m))
            case .runNotFound, .experimentNotFound: return MLflowEncoding.error(MLflowError(.resourceDoesNotExist, e.errorDescription ?? "not found"))
            default: return MLflowEncoding.error(MLflowError(.internalError, e.errorDescription ?? "the store could not answer"))
            }
        } catch {
            // SQLite's words (and SQL) stay in the server.
            return MLflowEncoding.error(MLflowError(.internalError, "the store could not answer this request"))
        }
    }

    private func route(_ request: UIRequest, _ path: [String]) throws -> UIResponse {
        let method = request.method == "HEAD" ? "GET" : request.method
        if path.first == "mlflow-artifacts", path.count >= 2, path[1] == "artifacts" {
            return try artifacts(request, method: method, path: Array(path.dropFirst(2)))
        }
        guard path.first == "mlflow", path.count >= 2 else { throw notFound(request) }
        let endpoint = path.dropFirst().joined(separator: "/")
        guard let handler = MLflowService.endpoints[endpoint], handler.methods.contains(method) else { throw notFound(request) }
        let fields = try MLflowRequest(request)
        return .json(try handler.run(self, store, fields))
    }

    private func notFound(_ request: UIRequest) -> MLflowError {
        MLflowError(.endpointNotFound, "tracker server does not serve \(request.method) /\(request.segments.joined(separator: "/").prefix(300)) "
                    + "(it speaks MLflow's tracking API: experiments, runs, metrics, artifacts; not the model registry, traces or logged models)")
    }

    struct Endpoint: Sendable {
        var methods: Set<String>
        var run: @Sendable (MLflowService, Store, MLflowRequest) throws -> JSONValue
    }

    static let endpoints: [String: Endpoint] = experimentEndpoints.merging(runEndpoints) { a, _ in a }

    // MARK: artifacts (`/api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<path>`)

    private func artifacts(_ request: UIRequest, method: String, path: [String]) throws -> UIResponse {
        if path.isEmpty {
            // List: ?path=<experiment>/<run>/artifacts[/dir]
            guard method == "GET" else { throw notFound(request) }
            let listed = request.value("path") ?? ""
            let (run, dir) = try MLflowService.artifactTarget(listed.split(separator: "/", omittingEmptySubsequences: false).map(String.init), allowRoot: true)
            let prefix = dir.isEmpty ? "" : dir + "/"
            let files = try store.mlflowListArtifacts(run, directory: dir).map { a -> JSONValue in
                var o: [String: JSONValue] = ["path": .string(String(a.path.dropFirst(prefix.count))), "is_dir": .bool(a.isDirectory)]
                if let size = a.size { o["file_size"] = .int(size) }
                return .object(o)
            }
            return .json(.object(["files": .array(files)]))
        }
        let (run, file) = try MLflowService.artifactTarget(path, allowRoot: false)
        switch method {
        case "PUT":
            try store.mlflowPutArtifact(run, path: file, bytes: request.body)
            return .json(.object([:]))
        case "GET":
            let bytes = try store.mlflowArtifact(run, path: file)
            return UIResponse(status: 200, contentType: "application/octet-stream", body: bytes)
        default:
            throw notFound(request)
        }
    }

    /// `<experiment>/<run>/artifacts/<path…>` → the run id and the path under its root.
    static func artifactTarget(_ parts: [String], allowRoot: Bool) throws -> (run: String, path: String) {
        guard parts.count >= 3, parts[2] == "artifacts", allowRoot || parts.count > 3 else {
            throw MLflowError(.invalidParameterValue, "an artifact path is EXPERIMENT/RUN/artifacts/PATH (the run's artifact_uri and a path)")
        }
        return (parts[1], parts.dropFirst(3).filter { !$0.isEmpty || !allowRoot }.joined(separator: "/"))
    }
}
