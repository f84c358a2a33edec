import NIOCore

/// What the HTTP handler tells the connection guard (as outbound user events).
enum ConnectionEvent: Sendable {
    /// The request head has been parsed: its size no longer counts against the head limit.
    case headReceived
    /// The whole request has arrived: its deadline is over, the answer is being prepared.
    case requestReceived
    /// The last byte of a response is being written; the connection is kept for another request.
    case responseComplete
    /// The last response has been written: half-close, drain what the client still sends, close.
    case closeGracefully
}

/// First handler of a connection, on raw bytes: holds the deadlines and the head size
/// limit, tells the registry what the connection is doing, and closes connections so that
/// their last response arrives.
///
/// Timers: an idle connection (before its first request or between requests) is closed after
/// `idleTimeout`; from a request's first byte, head and body must arrive within
/// `requestDeadline` in all — one timer, not restarted by each byte, so a client dribbling
/// bytes cannot hold the connection. Answering a request has no timer here; the idle timer
/// starts when the response is written (a response still queued for a slow reader defers it).
final class ConnectionGuard: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case idle, head, body, busy, closing }

    private let limits: UIServer.Limits
    private let registry: ConnectionRegistry
    private var phase = Phase.idle
    private var headBytes = 0
    private var bytesWhileBusy = false
    private var timer: Scheduled<Void>?

    init(limits: UIServer.Limits, registry: ConnectionRegistry) {
        self.limits = limits
        self.registry = registry
    }

    func channelActive(context: ChannelHandlerContext) {
        guard registry.admit(context.channel) else {
            refuse(context, status: "503 Service Unavailable", "the server is busy (too many connections); try again")
            context.fireChannelActive()
            return
        }
        becomeIdle(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        registry.remove(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let count = unwrapInboundIn(data).readableBytes
        switch phase {
        case .closing:
            return  // the last response is out; what follows is dropped
        case .idle:
            startRequest(context)
        case .busy:
            bytesWhileBusy = true
        case .head, .body:
            break
        }
        if phase == .head { headBytes += count }
        context.fireChannelRead(data)
        if phase == .head && headBytes > limits.maxHead {
            refuse(context, status: "431 Request Header Fields Too Large", "the request head is larger than \(limits.maxHead) bytes")
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
        // While draining, keep reading even if a handler above paused reads for a pending response.
        if phase == .closing { context.read() }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let event = event as? ConnectionEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        promise?.succeed()
        switch (event, phase) {
        case (_, .closing):
            break
        case (.headReceived, .idle):
            // A pipelined request parsed from bytes read while the previous one was answered.
            phase = .body
            registry.update(context.channel, .receiving)
            schedule(context, after: TimeAmount(limits.requestDeadline)) { guardHandler, context in
                guardHandler.refuse(context, status: "408 Request Timeout", "the request body did not arrive in time")
            }
        case (.headReceived, _):
            phase = .body
        case (.requestReceived, _):
            timer?.cancel()
            timer = nil
            phase = .busy
            bytesWhileBusy = false
            registry.update(context.channel, .busy)
        case (.responseComplete, _):
            if bytesWhileBusy {
                // Part of the next request is already here: its deadline starts now.
                startRequest(context)
            } else {
                becomeIdle(context)
            }
        case (.closeGracefully, _):
            closeGracefully(context)
        }
    }

    /// A request's first bytes arrived (on an idle connection, or while the previous request was
    /// answered): its one total deadline starts now.
    private func startRequest(_ context: ChannelHandlerContext) {
        phase = .head
        headBytes = 0
        registry.update(context.channel, .receiving)
        schedule(context, after: TimeAmount(limits.requestDeadline)) { guardHandler, context in
            guardHandler.refuse(context, status: "408 Request Timeout",
                                "the request did not arrive within \(UIServer.seconds(guardHandler.limits.requestDeadline)) s")
        }
    }

    private func becomeIdle(_ context: ChannelHandlerContext) {
        phase = .idle
        registry.update(context.channel, .idle)
        schedule(context, after: TimeAmount(limits.idleTimeout)) { guardHandler, context in guardHandler.idleTimerFired(context) }
    }

    /// A connection still sending a large response to a slow reader is not idle: look again
    /// later (it stays evictable at the connection limit meanwhile).
    private func idleTimerFired(_ context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.close(promise: nil)
        } else {
            schedule(context, after: TimeAmount(limits.idleTimeout)) { guardHandler, context in guardHandler.idleTimerFired(context) }
        }
    }

    private func schedule(_ context: ChannelHandlerContext, after delay: TimeAmount,
                          _ fire: @escaping (ConnectionGuard, ChannelHandlerContext) -> Void) {
        timer?.cancel()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.timer = nil
            fire(self, context)
        }
    }

    /// Answers with a plain-text error straight on the socket (no request is being answered
    /// when this is called) and closes.
    private func refuse(_ context: ChannelHandlerContext, status: String, _ message: String) {
        guard phase != .closing else { return }
        let body = message + "\n"
        let text = "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n" + body
        phase = .closing
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text))).assumeIsolated().whenComplete { _ in
            self.linger(context)
        }
    }

    /// Stops sending, then reads and drops what the client still sends for `lingerTime` (or
    /// until it closes), so unread request bytes do not reset the connection before the
    /// client has read the response.
    private func closeGracefully(_ context: ChannelHandlerContext) {
        guard phase != .closing else { return }
        phase = .closing
        linger(context)
    }

    private func linger(_ context: ChannelHandlerContext) {
        registry.update(context.channel, .idle)
        context.close(mode: .output, promise: nil)
        context.read()
        schedule(context, after: TimeAmount(limits.lingerTime)) { _, context in context.close(promise: nil) }
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
