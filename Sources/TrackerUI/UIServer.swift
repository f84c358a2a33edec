import FlyingFox
import FlyingSocks
import Foundation

/// Serves a `UIApp` over HTTP/1.1 with FlyingFox (pure Swift, no dependencies).
///
/// Store reads block, so each request runs on a Dispatch queue, not on the Swift
/// concurrency pool. Only GET and HEAD are answered; the UI never writes.
public struct UIServer: Sendable {
    public let app: UIApp
    public let host: String
    public let port: Int

    public init(app: UIApp, host: String = "127.0.0.1", port: Int = 5173) {
        self.app = app
        self.host = host
        self.port = port
    }

    /// Whether `host` names the loopback interface (127.0.0.0/8, ::1, localhost).
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h == "[::1]" || h.hasPrefix("127.")
    }

    /// Listens and serves until the calling task is cancelled; `onRunning` gets the bound
    /// port once listening (useful with port 0).
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let server = HTTPServer(config: HTTPServer.Configuration(address: try address(), timeout: 30, logger: .disabled),
                                handler: Handler(app: app))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask {
                try await server.waitUntilListening(timeout: 10)
                switch await server.listeningAddress {
                case .ip4(_, let port)?, .ip6(_, let port)?: await onRunning(Int(port))
                default: await onRunning(0)
                }
            }
            try await group.waitForAll()
        }
    }

    private func address() throws -> any SocketAddress {
        guard let p = UInt16(exactly: port) else { throw UIServerError(message: "port \(port) is out of range") }
        let h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        do {
            if h.lowercased() == "localhost" { return try sockaddr_in.inet(ip4: "127.0.0.1", port: p) }
            return h.contains(":") ? try sockaddr_in6.inet6(ip6: h, port: p) : try sockaddr_in.inet(ip4: h, port: p)
        } catch {
            throw UIServerError(message: "cannot listen on '\(host)': give an IP address (127.0.0.1, ::1, 0.0.0.0)")
        }
    }

    /// Maps FlyingFox requests onto `UIApp.respond`.
    struct Handler: HTTPHandler {
        let app: UIApp

        func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
            guard request.method == .GET || request.method == .HEAD else {
                return Handler.response(.text("the tracker UI is read-only: only GET is answered", status: 405), head: false)
            }
            let target = request.target.rawValue
            let app = self.app
            let answer = await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: app.respond(UIRequest(target: target))) }
            }
            return Handler.response(answer, head: request.method == .HEAD)
        }

        static func response(_ r: UIResponse, head: Bool) -> HTTPResponse {
            var headers: HTTPHeaders = [:]
            headers[.contentType] = r.contentType
            headers[HTTPHeader("Cache-Control")] = "no-store"
            for (name, value) in r.headers { headers[HTTPHeader(name)] = value }
            return HTTPResponse(statusCode: HTTPStatusCode(r.status, phrase: phrase(r.status)), headers: headers,
                                body: head ? Data() : Data(r.body))
        }

        static func phrase(_ status: Int) -> String {
            switch status {
            case 200: "OK"
            case 400: "Bad Request"
            case 404: "Not Found"
            case 405: "Method Not Allowed"
            case 503: "Service Unavailable"
            default: "Internal Server Error"
            }
        }
    }
}

/// The server could not start (bad address or port).
public struct UIServerError: Error, LocalizedError {
    public var message: String
    public var errorDescription: String? { message }
}
