import NIOCore

extension UIServer {
    /// What one client may cost the server: time, bytes and connection slots.
    ///
    /// Defaults suit a browser on the same machine; tests shorten the timers.
    public struct Limits: Sendable {
        /// Seconds from a request's first byte until its head and body must have arrived
        /// (one deadline for the whole request, not reset by each byte).
        public var requestDeadline: Duration = .seconds(5)
        /// Seconds a connection may stay silent between requests (or before its first one).
        public var idleTimeout: Duration = .seconds(30)
        /// Seconds a closing connection is still read (and the bytes dropped) after its last
        /// response, so unread request bytes do not turn the close into a reset.
        public var lingerTime: Duration = .seconds(1)
        /// Connections served at once; at the limit the longest-idle one is closed first.
        public var maxConnections = 256
        /// The largest request head (request line and headers), in bytes: 431 beyond.
        public var maxHead = 64 * 1024
        /// The largest request body collected, in bytes: 413 beyond.
        public var maxBody = 64 * 1024
        /// The request-body bytes held at once over all connections: 503 (retry later) beyond.
        public var maxBufferedBodies = 64 * 1024 * 1024
        /// Threads reading the store and rendering pages (never the event loop's); 4 keeps 8 busy connections near the old thread-per-connection throughput on 2 cores.
        public var workerThreads = 4
        /// Event-loop threads doing the network I/O.
        public var eventLoopThreads = 1

        public init() {}
    }
}

extension TimeAmount {
    init(_ d: Duration) {
        let (s, atto) = d.components
        let ns = s.multipliedReportingOverflow(by: 1_000_000_000)
        self = ns.overflow ? .hours(24 * 365) : .nanoseconds(ns.partialValue + atto / 1_000_000_000)
    }
}
