import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Socket constants that differ between Glibc and Darwin.
enum SocketPlatform {
    #if canImport(Glibc)
    static let stream = Int32(SOCK_STREAM.rawValue)
    /// `send` flags: no SIGPIPE when the client has gone.
    static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
    static let stream = SOCK_STREAM
    static let sendFlags: Int32 = 0  // SO_NOSIGPIPE is set on each socket instead
    #endif

    /// Close-on-exec, and on Darwin no SIGPIPE, for a new socket.
    static func prepare(_ fd: Int32) {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        #if canImport(Darwin)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }
}

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
        try await withTaskCancellationHandler {
            let done = listener.start(app: app)
            await onRunning(listener.port)
            await done.wait()
            if let failure = listener.failure { throw failure }
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
        let fd = socket(v6 ? AF_INET6 : AF_INET, SocketPlatform.stream, 0)
        guard fd >= 0 else { throw UIServerError(message: "cannot open a socket: \(String(cString: strerror(errno)))") }
        SocketPlatform.prepare(fd)
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

    /// Stops accepting and ends open connections (a request being answered completes;
    /// idle keep-alive connections close at once).
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        for c in clients { shutdown(c, Int32(SHUT_RDWR)) }  // wakes their blocked reads
    }

    /// Why accepting ended, when it was not `stop()`.
    var failure: UIServerError? {
        lock.lock()
        defer { lock.unlock() }
        return acceptError
    }

    var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private var clients = Set<Int32>()
    private var acceptError: UIServerError?

    /// Registers a connection unless the server is stopping.
    private func register(_ client: Int32) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return false }
        clients.insert(client)
        return true
    }

    private func unregister(_ client: Int32) {
        lock.lock()
        defer { lock.unlock() }
        clients.remove(client)
    }

    /// Accepts until stopped. Waits with `poll` in short slices, so a stop is noticed on
    /// every platform (closing or shutting down a listening socket does not wake `accept`
    /// everywhere); the listening socket is closed only here, after the loop.
    private func acceptLoop(app: UIApp) {
        defer { close(fd) }
        while !isStopped {
            guard slots.wait(timeout: .now() + .milliseconds(250)) == .success else { continue }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 250)
            if ready <= 0 {
                slots.signal()
                if ready < 0 && errno != EINTR { fail("poll failed: \(String(cString: strerror(errno)))"); return }
                continue
            }
            let client = accept(fd, nil, nil)
            if client < 0 {
                slots.signal()
                if errno == EINTR || errno == ECONNABORTED || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { usleep(50_000); continue }
                fail("accept failed: \(String(cString: strerror(errno)))")
                return
            }
            SocketPlatform.prepare(client)
            guard register(client) else {
                close(client)
                slots.signal()
                return
            }
            var timeout = timeval(tv_sec: UIServer.idleTimeout, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let slots = self.slots
            let thread = Thread { [self] in
                let connection = HTTPConnection(fd: client, app: app, isStopped: { [self] in isStopped })
                connection.serve()
                unregister(client)
                connection.closeGracefully()
                slots.signal()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func fail(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        acceptError = UIServerError(message: message)
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
