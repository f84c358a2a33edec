import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves a `UIApp` over HTTP/1.1 with SwiftNIO: one event loop for all connections (a
/// slow or silent client costs a few hundred bytes, not a thread), store reads and page
/// rendering on a small worker pool.
///
/// The pipeline of a connection, from the socket up: `ConnectionGuard` (deadlines, head
/// size, connection slots, graceful close), NIO's response encoder and request decoder,
/// `HTTPServerPipelineHandler` (pipelined requests one at a time), `HTTPErrorResponder`
/// (400/431 for what the parser rejects), `HTTPHandler` (Host, limits, the app).
public struct UIServer: Sendable {
    public let app: UIApp
    public let host: String
    public let port: Int
    /// The `Host` names answered.
    public let hosts: HostPolicy
    public let limits: Limits

    public init(app: UIApp, host: String = "127.0.0.1", port: Int = 5173, hosts: HostPolicy = .loopback, limits: Limits = Limits()) {
        self.app = app
        self.host = host
        self.port = port
        self.hosts = hosts
        self.limits = limits
    }

    /// Whether `host` names the loopback interface (127.0.0.0/8, ::1, localhost).
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h == "[::1]" || h.hasPrefix("127.")
    }

    /// Listens and serves until the calling task is cancelled; `onRunning` gets the bound
    /// port once listening (useful with port 0). On cancellation it stops accepting, closes
    /// idle connections at once, lets requests being answered finish (up to a few seconds),
    /// then returns.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        guard let bindPort = UInt16(exactly: port) else { throw UIServerError(message: "port \(port) is out of range") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, limits.eventLoopThreads))
        let pool = NIOThreadPool(numberOfThreads: max(1, limits.workerThreads))
        pool.start()
        let registry = ConnectionRegistry(limit: limits.maxConnections, bodyBytes: limits.maxBufferedBodies)
        do {
            try await serve(group: group, pool: pool, registry: registry, port: Int(bindPort), onRunning: onRunning)
        } catch {
            await UIServer.shutDown(group, pool, registry)
            throw error
        }
        await UIServer.shutDown(group, pool, registry)
    }

    private func serve(group: MultiThreadedEventLoopGroup, pool: NIOThreadPool, registry: ConnectionRegistry, port bindPort: Int,
                       onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        let listener: any Channel
        do {
            listener = try await bootstrap(group: group, pool: pool, registry: registry)
                .bind(host: UIServer.bindAddress(host), port: bindPort).get()
        } catch {
            throw UIServerError(message: "cannot listen on \(host):\(port): \(UIServer.describe(error))")
        }
        await onRunning(listener.localAddress?.port ?? port)
        await withTaskCancellationHandler {
            try? await listener.closeFuture.get()
        } onCancel: {
            listener.close(promise: nil)
        }
        // Requests being answered finish; give them a few seconds, then close what is left.
        let open = registry.stop()
        let loop = group.next()
        let grace = loop.scheduleTask(in: .seconds(5)) { registry.closeAll() }
        try? await EventLoopFuture.andAllComplete(open, on: loop).get()
        grace.cancel()
    }

    private static func shutDown(_ group: MultiThreadedEventLoopGroup, _ pool: NIOThreadPool, _ registry: ConnectionRegistry) async {
        registry.closeAll()
        try? await pool.shutdownGracefully()
        try? await group.shutdownGracefully()
    }

    private func bootstrap(group: MultiThreadedEventLoopGroup, pool: NIOThreadPool, registry: ConnectionRegistry) -> ServerBootstrap {
        let app = self.app, hosts = self.hosts, limits = self.limits
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        // A little above the guard's raw count, which then answers first (with a graceful close).
        decoderLimits.maxHeaderListSize = limits.maxHead + 1024
        decoderLimits.maxHeaderFieldSize = limits.maxHead + 1024
        decoderLimits.maxHeaderFieldCount = 1000
        let headLimits = decoderLimits
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(ConnectionGuard(limits: limits, registry: registry))
                    try sync.addHandler(HTTPResponseEncoder())
                    try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: headLimits)))
                    try sync.addHandler(HTTPServerPipelineHandler())
                    try sync.addHandler(NIOHTTPResponseHeadersValidator())
                    try sync.addHandler(HTTPErrorResponder())
                    try sync.addHandler(HTTPHandler(app: app, hosts: hosts, limits: limits, pool: pool, registry: registry))
                }
            }
    }

    /// `localhost` binds 127.0.0.1; brackets around an IPv6 address are dropped.
    static func bindAddress(_ host: String) -> String {
        var h = host
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        return h.lowercased() == "localhost" ? "127.0.0.1" : h
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? IOError { return e.description }
        if let e = error as? SocketAddressError { return "'\(e)': give an IP address (127.0.0.1, ::1, 0.0.0.0)" }
        return "\(error)"
    }

    static func seconds(_ d: Duration) -> String {
        let ms = TimeAmount(d).nanoseconds / 1_000_000
        return ms % 1000 == 0 ? String(ms / 1000) : String(Double(ms) / 1000)
    }

    static func tooLarge(_ limits: Limits) -> UIResponse {
        .text("the request body is larger than \(limits.maxBody) bytes", status: 413)
    }

    static func busy(_ limits: Limits) -> UIResponse {
        var r = UIResponse.text("the server holds \(limits.maxBufferedBodies) bytes of request bodies already; retry in a moment", status: 503)
        r.headers.append(("Retry-After", "1"))
        return r
    }
}

/// The server could not start (bad address or port).
public struct UIServerError: Error, LocalizedError {
    public var message: String
    public var errorDescription: String? { message }
}
