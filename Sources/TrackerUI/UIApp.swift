import Foundation
import Tracker

/// The web UI without the HTTP server: a request in, a response out.
///
/// Each request opens its own read-only `Store` and drops it when done, so connections are
/// never shared between threads, and runs being trained into the file (WAL) are read safely.
/// Nothing here writes to the store.
public struct UIApp: Sendable {
    /// The database file.
    public let databasePath: String
    /// Downsampled series and gradient reports kept between requests.
    let cache = RunDataCache()

    /// Answers requests before the UI does (`tracker server`'s MLflow API); nil passes on.
    let mount: (@Sendable (UIRequest) -> UIResponse?)?

    public init(databasePath: String, mount: (@Sendable (UIRequest) -> UIResponse?)? = nil) {
        self.databasePath = databasePath
        self.mount = mount
    }

    /// Answers one request. Only GET and HEAD are routed today; routes taking a body
    /// (`request.body`, bounded by the server) go beside them, by method.
    public func respond(_ request: UIRequest) -> UIResponse {
        if let mount, let answer = mount(request) { return answer }
        guard request.method == "GET" || request.method == "HEAD" else {
            var refusal = UIResponse.text("the tracker UI is read-only: only GET and HEAD are answered", status: 405)
            refusal.headers.append(("Allow", "GET, HEAD"))
            return refusal
        }
        if request.segments.count == 2, request.segments[0] == "static" { return StaticAsset.response(request.segments[1]) }
        do {
            try request.checkValueLengths()
            let store = try Store(path: databasePath, readOnly: true)
            return try route(request, store: store)
        } catch let error as UIError {
            return .text(error.message, status: error.status)
        } catch let error as TrackerError {
            return .text(error.errorDescription ?? "\(error)", status: UIApp.status(for: error))
        } catch let error as FilterError {
            return .text(error.errorDescription ?? error.message, status: 400)
        } catch {
            // SQLite's own words (and the SQL) say nothing a user can act on, and do not leave the server.
            if request.value("where") != nil || request.value("sort") != nil {
                return .text("the filter or sort could not be evaluated: it is too long or too complex for the store", status: 400)
            }
            return .text("internal error: the store could not answer this request", status: 500)
        }
    }

    private func route(_ request: UIRequest, store: Store) throws -> UIResponse {
        let s = request.segments
        switch s.first {
        case nil:
            return try RunsPage(store: store, request: request).render()
        case "runs" where s.count == 1:
            return try RunsPage(store: store, request: request).render()
        case "runs" where s.count == 2:
            return .html(try RunPage(store: store, runID: s[1], cache: cache).render())
        case "compare" where s.count == 1:
            return try ComparePage(store: store, request: request, cache: cache).render()
        case "checkpoints" where s.count == 2:
            return try checkpoint(s[1], store: store)
        case "api":
            return try APIRoutes(store: store, request: request, cache: cache).respond(Array(s.dropFirst()))
        default:
            throw UIError.notFound("no page at /\(s.joined(separator: "/"))")
        }
    }

    /// The bytes of a checkpoint by its numeric id, verified against their SHA-256 first.
    private func checkpoint(_ idText: String, store: Store) throws -> UIResponse {
        guard let id = Int64(idText), let info = try store.checkpoint(id: id) else {
            throw UIError.notFound("no checkpoint with id \(idText)")
        }
        let bytes = try store.checkpointData(info)
        return UIResponse(status: 200, contentType: "application/octet-stream", body: bytes, headers: [
            ("Content-Disposition", "attachment; filename=\"\(info.runID)-step\(info.step)-\(info.kind.rawValue).ckpt\""),
            ("X-Checkpoint-SHA256", info.sha256),
        ])
    }

    static func status(for error: TrackerError) -> Int {
        switch error {
        case .runNotFound, .ambiguousRun, .experimentNotFound, .checkpointNotFound: 404
        case .invalidArgument: 400
        case .databaseMissing, .cannotOpen, .cannotConnect, .notADatabase, .notATrackerStore, .needsMigration, .databaseTooNew, .migrationChanged: 503
        default: 500
        }
    }
}

/// A request the UI cannot answer, with the status to send.
struct UIError: Error {
    var status: Int
    var message: String

    static func notFound(_ message: String) -> UIError { UIError(status: 404, message: message) }
    static func badRequest(_ message: String) -> UIError { UIError(status: 400, message: message) }
}
