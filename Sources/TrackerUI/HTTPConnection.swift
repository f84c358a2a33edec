import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One client connection: reads HTTP/1.1 requests, answers each through the app, keeps the
/// connection open while the client asks for it (HTTP/1.1 default), closes it on anything
/// malformed, oversized or slow.
struct HTTPConnection {
    let fd: Int32
    let app: UIApp
    /// Whether the server is stopping (checked between requests).
    var isStopped: () -> Bool = { false }

    /// The largest request head (request line and headers) accepted.
    static let maxHead = 64 * 1024
    /// The most body bytes a GET may carry before the connection is dropped (bodies are ignored).
    static let maxIgnoredBody = 64 * 1024

    /// Serves requests until the client closes, asks to close, times out or misbehaves.
    func serve() {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        while !isStopped() {
            guard let head = readHead(&buffer) else { return }
            guard let request = HTTPRequestHead(parsing: head) else {
                write(.text("malformed HTTP request", status: 400), head: false, keepAlive: false)
                return
            }
            let keepAlive = request.keepAlive
            if request.hasTransferEncoding || (request.contentLength ?? 0) > 0 {
                // The UI only reads, so a body is never needed: a small one on a GET is skipped,
                // anything else (or any transfer coding) ends the connection.
                guard request.isRead, !request.hasTransferEncoding, let length = request.contentLength, length <= HTTPConnection.maxIgnoredBody,
                      discard(length, from: &buffer) else {
                    respond(request, .text("the tracker UI is read-only: only GET is answered", status: request.isRead ? 413 : 405), keepAlive: false)
                    return
                }
            }
            let answer: UIResponse
            if request.isRead {
                answer = app.respond(UIRequest(target: request.target))
            } else {
                answer = UIResponse.text("the tracker UI is read-only: only GET is answered", status: 405)
            }
            guard respond(request, answer, keepAlive: keepAlive), keepAlive else { return }
        }
    }

    @discardableResult
    private func respond(_ request: HTTPRequestHead, _ answer: UIResponse, keepAlive: Bool) -> Bool {
        write(answer, head: request.method == "HEAD", keepAlive: keepAlive)
    }

    /// Reads until a blank line ends the head; the bytes after it stay in `buffer`.
    private func readHead(_ buffer: inout [UInt8]) -> [UInt8]? {
        var searchFrom = 0
        while true {
            if let end = HTTPConnection.headEnd(buffer, from: searchFrom), end <= HTTPConnection.maxHead {
                let head = Array(buffer[0..<end])
                buffer.removeFirst(end + 4)
                return head
            }
            if buffer.count > HTTPConnection.maxHead {
                write(.text("request head too large", status: 431), head: false, keepAlive: false)
                return nil
            }
            searchFrom = max(0, buffer.count - 3)
            guard fill(&buffer) else { return nil }
        }
    }

    /// Closes after the last response: stops sending, then reads and drops what the client
    /// still sends (briefly), so unread request bytes do not turn the close into a reset that
    /// could discard the response before the client reads it.
    func closeGracefully() {
        shutdown(fd, Int32(SHUT_WR))
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var drained = 0
        let deadline = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
        while drained < 1 << 20, DispatchTime.now().uptimeNanoseconds < deadline {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { drained += n } else if n < 0 && errno == EINTR { continue } else { break }
        }
        close(fd)
    }

    /// Reads and drops `count` body bytes (part may already be buffered).
    private func discard(_ count: Int, from buffer: inout [UInt8]) -> Bool {
        var left = count
        while true {
            let take = min(left, buffer.count)
            buffer.removeFirst(take)
            left -= take
            if left == 0 { return true }
            guard fill(&buffer) else { return false }
        }
    }

    /// Appends what the socket has (blocking up to the receive timeout); false at end or error.
    private func fill(_ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return true
            }
            if n < 0 && errno == EINTR { continue }
            return false  // closed, timed out (EAGAIN) or reset
        }
    }

    /// Index of `\r\n\r\n` in `bytes` at or after `from`.
    static func headEnd(_ bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var i = from
        while i + 3 < bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// Sends a whole response; false when the client went away.
    @discardableResult
    private func write(_ r: UIResponse, head: Bool, keepAlive: Bool) -> Bool {
        var text = "HTTP/1.1 \(r.status) \(HTTPConnection.phrase(r.status))\r\n"
        text += "Content-Type: \(HTTPConnection.clean(r.contentType))\r\n"
        text += "Content-Length: \(r.body.count)\r\n"
        text += "Cache-Control: no-store\r\n"
        text += "X-Content-Type-Options: nosniff\r\n"
        for (name, value) in r.headers { text += "\(HTTPConnection.clean(name)): \(HTTPConnection.clean(value))\r\n" }
        text += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        var bytes = Array(text.utf8)
        if !head { bytes += r.body }
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return send(fd, base + sent, raw.count - sent, SocketPlatform.sendFlags)
            }
            if n > 0 { sent += n; continue }
            if n < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }

    /// A header value without line breaks (no header injection from names or values).
    static func clean(_ s: String) -> String {
        s.contains(where: { $0 == "\r" || $0 == "\n" }) ? String(s.filter { $0 != "\r" && $0 != "\n" }) : s
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 413: "Content Too Large"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: status < 400 ? "OK" : "Internal Server Error"
        }
    }
}

/// The request line and the headers that matter here.
struct HTTPRequestHead: Equatable {
    var method: String
    var target: String
    var version: String
    /// Header values by lower-cased name (repeated headers joined with ", ").
    var headers: [String: String]

    init?(parsing bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).makeIterator()
        guard let requestLine = lines.next() else { return nil }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[1].hasPrefix("/"), parts[2].hasPrefix("HTTP/1.") else { return nil }
        method = String(parts[0])
        target = String(parts[1])
        version = String(parts[2])
        headers = [:]
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].lowercased()
            guard !name.isEmpty, name.utf8.allSatisfy(HTTPRequestHead.isTokenByte) else { return nil }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
    }

    var isRead: Bool { method == "GET" || method == "HEAD" }

    /// RFC 9110 token characters (header names).
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked.
    var keepAlive: Bool {
        let connection = headers["connection"]?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }

    /// The declared body length (nil when absent; anything but plain digits counts as too large).
    var contentLength: Int? {
        guard let v = headers["content-length"] else { return nil }
        guard !v.isEmpty, v.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return Int.max }
        return Int(v) ?? Int.max
    }

    /// Any Transfer-Encoding (chunked or not): the body's length is then not known up front.
    var hasTransferEncoding: Bool { headers["transfer-encoding"] != nil }
}
