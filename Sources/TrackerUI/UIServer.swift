import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serves a `UIApp` over HTTP/1.1 on POSIX sockets, one thread a connection.
///
/// A local viewer needs little of HTTP: GET and HEAD, keep-alive, sane limits. Doing it
/// directly keeps the `tracker` binary free of a networking stack (FoundationNetworking and
/// its TLS libraries cost every command ~13 ms at start-up). Store reads block, so each
/// connection has its own thread, not a slot of the Swift concurrency pool.
public struct UIServer: Sendable {
    public let app: UIApp
    public let host: String
    public let port: Int

    /// Connections served at once; more wait in the listen backlog.
    public static let maxConnections = 64
    /// Seconds a connection may stay silent (between or inside requests) before it is closed.
    public static let idleTimeout = 30

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
        let listener = try Listener(host: host, port: port)
        let app = self.app
        await withTaskCancellationHandler {
            let done = listener.start(app: app)
            await onRunning(listener.port)
            await done.wait()
        } onCancel: {
            listener.stop()
        }
    }
}

/// The server could not start (bad address or port).
public struct UIServerError: Error, LocalizedError {
    public var message: String
    public var errorDescription: String? { message }
}

/// A bound, listening socket and its accept thread.
final class Listener: @unchecked Sendable {
    private let fd: Int32
    let port: Int
    private let lock = NSLock()
    private var stopped = false
    private let slots = DispatchSemaphore(value: UIServer.maxConnections)

    init(host: String, port: Int) throws {
        guard let p = UInt16(exactly: port) else { throw UIServerError(message: "port \(port) is out of range") }
        var h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h.lowercased() == "localhost" { h = "127.0.0.1" }
        let v6 = h.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw UIServerError(message: "cannot open a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var bound: Int32 = -1
        if v6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = p.bigEndian
            guard inet_pton(AF_INET6, h, &addr.sin6_addr) == 1 else {
                close(fd)
                throw UIServerError(message: "cannot listen on '\(host)': give an IP address (127.0.0.1, ::1, 0.0.0.0)")
            }
            bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = p.bigEndian
            guard inet_pton(AF_INET, h, &addr.sin_addr) == 1 else {
                close(fd)
                throw UIServerError(message: "cannot listen on '\(host)': give an IP address (127.0.0.1, ::1, 0.0.0.0)")
            }
            bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw UIServerError(message: "cannot listen on \(host):\(port): \(reason)")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let portBE: UInt16 = withUnsafePointer(to: &storage) { ptr in
            v6 ? ptr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port }
               : ptr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: portBE))
    }

    /// Starts accepting on a thread of its own; the returned signal fires when it has stopped.
    func start(app: UIApp) -> Finished {
        let finished = Finished()
        let thread = Thread { [self] in
            acceptLoop(app: app)
            finished.fire()
        }
        thread.name = "tracker-ui-accept"
        thread.start()
        return finished
    }

    /// Stops accepting (open connections finish their current request).
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        shutdown(fd, Int32(SHUT_RDWR))  // wakes the blocked accept
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop(app: UIApp) {
        defer { close(fd) }
        while !isStopped {
            slots.wait()
            let client = accept(fd, nil, nil)
            if client < 0 {
                slots.signal()
                if isStopped { return }
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { usleep(50_000); continue }
                return
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var timeout = timeval(tv_sec: UIServer.idleTimeout, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let slots = self.slots
            let thread = Thread {
                let connection = HTTPConnection(fd: client, app: app)
                connection.serve()
                connection.closeGracefully()
                slots.signal()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}

/// A one-shot signal an async caller can wait for.
final class Finished: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func fire() {
        lock.lock()
        done = true
        let w = waiters
        waiters = []
        lock.unlock()
        for c in w { c.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if done {
                lock.unlock()
                c.resume()
            } else {
                waiters.append(c)
                lock.unlock()
            }
        }
    }
}
