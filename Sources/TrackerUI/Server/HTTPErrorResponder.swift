import NIOCore
import NIOHTTP1

/// Answers requests the HTTP parser rejects: 431 for a head over the limit, 400 with the
/// reason otherwise (NIO's own `HTTPServerProtocolErrorHandler`, but with a message and the
/// 431), then closes the connection gracefully: the decoder accepts nothing more on it.
final class HTTPErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A response has been started and not ended: an error response cannot be sent then.
    private var responding = false

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if !responding {
            let (status, message): (HTTPResponseStatus, String) = switch parserError {
            case .headerOverflow: (.requestHeaderFieldsTooLarge, "the request head is too large")
            case .invalidContentLength, .unexpectedContentLength:
                (.badRequest, "malformed HTTP request: invalid Content-Length")
            case .invalidChunkSize: (.badRequest, "malformed HTTP request: bad chunked body")
            case .invalidVersion: (.badRequest, "malformed HTTP request: only HTTP/1.0 and HTTP/1.1 are spoken here")
            default: (.badRequest, "malformed HTTP request")
            }
            let body = message + "\n"
            let headers = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(body.utf8.count)),
                                       ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), ("Connection", "close")])
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.triggerUserOutboundEvent(ConnectionEvent.closeGracefully, promise: nil)
            }
        } else {
            context.triggerUserOutboundEvent(ConnectionEvent.closeGracefully, promise: nil)
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let h) where h.status.code < 200: break
        case .head: responding = true
        case .body: break
        case .end: responding = false
        }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension HTTPErrorResponder: Sendable {}
