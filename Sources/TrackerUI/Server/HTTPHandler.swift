import NIOCore
import NIOHTTP1
import NIOPosix

/// Turns parsed HTTP requests into `UIRequest`s, answers them through the `UIApp` on the
/// worker pool (store reads and page rendering never run on the event loop), and writes the
/// `UIResponse` back.
///
/// Checked here, before any work: the HTTP version, the target's form, the `Host` header
/// (required, and on the allow-list), and the body size: a body is collected up to
/// `maxBody` bytes (413 beyond, also when `Content-Length` announces more), so routes that
/// take a JSON body only need a case in `UIApp`. `HTTPServerPipelineHandler` in front keeps
/// pipelined requests in order, one at a time.
final class HTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let app: UIApp
    private let hosts: HostPolicy
    private let limits: UIServer.Limits
    private let pool: NIOThreadPool
    private let registry: ConnectionRegistry

    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    /// Bytes of `body` taken from the server's body budget (given back with the answer).
    private var held = 0
    /// Set once the connection is to close: later requests on it are ignored.
    private var closing = false

    init(app: UIApp, hosts: HostPolicy, limits: UIServer.Limits, pool: NIOThreadPool, registry: ConnectionRegistry) {
        self.app = app
        self.hosts = hosts
        self.limits = limits
        self.pool = pool
        self.registry = registry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let h):
            context.triggerUserOutboundEvent(ConnectionEvent.headReceived, promise: nil)
            body = []
            giveBack()
            if let refusal = check(h) {
                finish(context, refusal, method: h.method, keepAlive: false)
                return
            }
            head = h
            if h.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
            }
        case .body(var chunk):
            guard head != nil else { return }
            guard body.count + chunk.readableBytes <= limits.maxBody else {
                head = nil
                giveBack()
                finish(context, UIServer.tooLarge(limits), method: .GET, keepAlive: false)
                return
            }
            guard registry.bodies.reserve(chunk.readableBytes) else {
                head = nil
                body = []
                giveBack()
                finish(context, UIServer.busy(limits), method: .GET, keepAlive: false)
                return
            }
            held += chunk.readableBytes
            body += chunk.readBytes(length: chunk.readableBytes) ?? []
        case .end:
            guard let h = head else { return }
            head = nil
            context.triggerUserOutboundEvent(ConnectionEvent.requestReceived, promise: nil)
            var parsed = UIRequest(target: h.uri, method: h.method.rawValue, body: body)
            for (name, value) in h.headers { parsed.headers[name.lowercased()] = value }
            let request = parsed
            body = []
            let reserved = held
            held = 0
            let keepAlive = h.isKeepAlive
            let app = self.app
            let bodies = registry.bodies
            pool.runIfActive(eventLoop: context.eventLoop) { app.respond(request) }.assumeIsolated().whenComplete { result in
                bodies.release(reserved)
                let response: UIResponse
                switch result {
                case .success(let r): response = r
                case .failure: response = .text("the server is stopping", status: 503)
                }
                self.finish(context, response, method: h.method, keepAlive: keepAlive)
            }
        }
    }

    /// A partial body's bytes go back to the budget when its connection goes away.
    func handlerRemoved(context: ChannelHandlerContext) {
        body = []
        giveBack()
    }

    private func giveBack() {
        registry.bodies.release(held)
        held = 0
    }

    /// What refuses a request from its head alone (nil: go on).
    private func check(_ h: HTTPRequestHead) -> UIResponse? {
        guard h.version == .http1_1 || h.version == .http1_0 else {
            return .text("only HTTP/1.0 and HTTP/1.1 are spoken here", status: 400)
        }
        guard h.uri.hasPrefix("/") else { return .text("the request target must be a path starting with /", status: 400) }
        let host = h.headers["host"]
        guard host.count == 1, let name = host.first else {
            return .text(host.isEmpty ? "the request has no Host header (HTTP/1.1 requires one)" : "the request has more than one Host header",
                         status: 400)
        }
        guard hosts.allows(name) else {
            return .text("this server does not answer for host '\(name.prefix(100))': loopback names only"
                         + " (start the server with --allow-remote NAME to serve other names)", status: 421)
        }
        let lengths = h.headers["content-length"]
        if let length = lengths.first, let n = Int(length), n > limits.maxBody { return UIServer.tooLarge(limits) }
        return nil
    }

    /// Writes a whole response; then keeps the connection for the next request or closes it.
    private func finish(_ context: ChannelHandlerContext, _ response: UIResponse, method: HTTPMethod, keepAlive requested: Bool) {
        let keepAlive = requested && !closing && !registry.isStopping
        var headers = HTTPHeaders()
        headers.reserveCapacity(6 + response.headers.count)
        headers.add(name: "Content-Type", value: HTTPHandler.clean(response.contentType))
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        for (name, value) in response.headers { headers.add(name: HTTPHandler.clean(name), value: HTTPHandler.clean(value)) }
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if method != .HEAD && !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        if keepAlive {
            context.triggerUserOutboundEvent(ConnectionEvent.responseComplete, promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            closing = true
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.triggerUserOutboundEvent(ConnectionEvent.closeGracefully, promise: nil)
            }
        }
    }

    /// A header value without line breaks (no header injection from names or values).
    static func clean(_ s: String) -> String {
        s.contains(where: { $0 == "\r" || $0 == "\n" }) ? String(s.filter { $0 != "\r" && $0 != "\n" }) : s
    }
}

@available(*, unavailable)
extension HTTPHandler: Sendable {}
