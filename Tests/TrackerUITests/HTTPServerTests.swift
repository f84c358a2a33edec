import Foundation
#if canImport(Glibc)
import Glibc
private let streamSocket = Int32(SOCK_STREAM.rawValue)
private let noSignal = Int32(MSG_NOSIGNAL)
private func sendRaw(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Glibc.send(fd, p, n, noSignal) }
private func closeSocket(_ fd: Int32) { _ = Glibc.close(fd) }
#elseif canImport(Darwin)
import Darwin
private let streamSocket = SOCK_STREAM
private func sendRaw(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Darwin.send(fd, p, n, 0) }
private func closeSocket(_ fd: Int32) { _ = Darwin.close(fd) }
#endif
import Testing
import TrackerUI

/// The socket server itself, spoken to byte by byte: keep-alive, HEAD, and what it does
/// with malformed, oversized and non-GET requests.
@Suite("HTTP server on sockets")
struct HTTPServerTests {
    @Test("two requests on one keep-alive connection, then HEAD without a body")
    func keepAlive() async throws {
        let f = try await UIFixture.shared.get()
        let c = try RawClient(port: f.port)
        defer { c.close() }
        try c.send("GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let first = try c.response()
        #expect(first.status == 200)
        #expect(first.headers["connection"] == "keep-alive")
        #expect(first.body.count == Int(first.headers["content-length"] ?? ""))
        try c.send("GET /api/runs/\(f.batchNormRun) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let second = try c.response()
        #expect(second.status == 200)
        #expect(String(decoding: second.body, as: UTF8.self).contains(f.batchNormRun))
        try c.send("HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let head = try c.response(head: true)
        #expect(head.status == 200)
        #expect(head.headers["connection"] == "close")
        #expect(Int(head.headers["content-length"] ?? "0") ?? 0 > 0)
        #expect(try c.readToEnd().isEmpty, "HEAD sends no body and the connection closes")
    }

    @Test("a malformed request line is 400 and closes the connection")
    func malformed() async throws {
        let f = try await UIFixture.shared.get()
        let garbage = ["NONSENSE\r\n\r\n", "GET nopath HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nno colon here\r\n\r\n", "GET / SPDY/3\r\n\r\n",
                       "GET / HTTP/2\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\n: empty name\r\n\r\n"]
        for garbage in garbage {
            let c = try RawClient(port: f.port)
            defer { c.close() }
            try c.send(garbage)
            #expect(try c.response().status == 400, "\(garbage.debugDescription)")
            #expect(try c.readToEnd().isEmpty)
        }
    }

    @Test("a request head over 64 KiB is 431; a POST with a body is 405; bad framing is 400; a large body is 413")
    func limits() async throws {
        let f = try await UIFixture.shared.get()
        let big = try RawClient(port: f.port)
        defer { big.close() }
        try big.send("GET / HTTP/1.1\r\nX-Pad: " + String(repeating: "a", count: 70_000) + "\r\n\r\n")
        #expect(try big.response().status == 431)

        let post = try RawClient(port: f.port)
        defer { post.close() }
        try post.send("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello")
        let refused = try post.response()
        #expect(refused.status == 405)
        #expect(refused.headers["allow"] == "GET, HEAD")

        let small = try RawClient(port: f.port)
        defer { small.close() }
        try small.send("GET /api/experiments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabcGET /api/experiments HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(try small.response().status == 200, "a small body on a GET is skipped")
        #expect(try small.response().status == 200, "and the next request on the connection is read")

        for bad in ["Content-Length: -5", "Content-Length: +5", "Content-Length: 5, 6", "Transfer-Encoding: gzip",
                    "Content-Length: 5\r\nTransfer-Encoding: chunked"] {
            let c = try RawClient(port: f.port)
            defer { c.close() }
            try c.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\(bad)\r\n\r\nhello")
            let r = try c.response()
            #expect(r.status == 400 && r.headers["connection"] == "close", "\(bad)")
            #expect(try c.readToEnd().isEmpty, "\(bad): the connection closes")
        }

        let chunked = try RawClient(port: f.port)
        defer { chunked.close() }
        try chunked.send("GET /api/experiments HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(try chunked.response().status == 200, "a small chunked body is read (and ignored by GET)")
        let chunk = String(repeating: "x", count: 40_000)
        try chunked.send("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + "9c40\r\n\(chunk)\r\n9c40\r\n\(chunk)\r\n0\r\n\r\n")
        let tooLarge = try chunked.response()
        #expect(tooLarge.status == 413 && tooLarge.headers["connection"] == "close")
    }

    @Test("the server stops when its task is cancelled and the port is free again")
    func stops() async throws {
        let f = try await UIFixture.shared.get()
        let server = UIServer(app: UIApp(databasePath: f.dbPath), host: "127.0.0.1", port: 0)
        let bound = Bound()
        let task = Task { try await server.run { port in await bound.set(port) } }
        var port = 0
        for _ in 0..<200 where port == 0 {
            try await Task.sleep(nanoseconds: 10_000_000)
            port = await bound.port
        }
        #expect(port > 0)
        let c = try RawClient(port: port)
        try c.send("GET /api/experiments HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(try c.response().status == 200)
        task.cancel()
        try await task.value
        #expect(try c.readToEnd().isEmpty, "an idle keep-alive connection is closed when the server stops")
        c.close()
        #expect(throws: (any Error).self) { try RawClient(port: port) }
    }
}

/// What the test reads back.
struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
}

/// A blocking TCP client that writes raw bytes and parses responses.
final class RawClient {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeout: Double = 10) throws {
        fd = socket(AF_INET, streamSocket, 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else {
            closeSocket(fd)
            throw ClientError.refused
        }
        var timeout = timeval(tv_sec: Int(timeout), tv_usec: .init((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    enum ClientError: Error { case refused, closed, malformed }

    func send(_ text: String) throws { try sendBytes(Array(text.utf8)) }

    func sendBytes(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { sendRaw(fd, $0.baseAddress! + sent, $0.count - sent) }
            guard n > 0 else { throw ClientError.closed }
            sent += n
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw ClientError.closed }
        buffer += chunk[0..<n]
    }

    func response(head: Bool = false) throws -> RawResponse {
        var end: Int?
        while end == nil {
            end = (0..<max(0, buffer.count - 3)).first { buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10 }
            if end == nil { try fill() }
        }
        let headText = String(decoding: buffer[0..<end!], as: UTF8.self)
        buffer.removeFirst(end! + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError.malformed }
        var headers: [String: String] = [:]
        for l in lines {
            guard let colon = l.firstIndex(of: ":") else { continue }
            headers[l[..<colon].lowercased()] = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = head ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { try fill() }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// Everything until the server closes (empty when it closes right away).
    func readToEnd() throws -> [UInt8] {
        while true {
            do { try fill() } catch ClientError.closed { break }
        }
        defer { buffer = [] }
        return buffer
    }

    /// Whether the server has closed the connection (end of stream) without sending anything
    /// more; false when bytes arrive or the receive timeout passes first.
    func closedByServer() -> Bool {
        guard buffer.isEmpty else { return false }
        var byte: UInt8 = 0
        while true {
            let n = recv(fd, &byte, 1, 0)
            if n < 0 && errno == EINTR { continue }
            return n == 0 || (n < 0 && errno == ECONNRESET)
        }
    }

    func close() { closeSocket(fd) }
}

actor Bound {
    var port = 0
    func set(_ p: Int) { port = p }
}
