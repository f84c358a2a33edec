import ArgumentParser
import Foundation
import Tracker
import TrackerUI

/// `tracker ui`: the runs, run pages, compare view and JSON API in a browser, served from
/// this binary over a read-only connection (safe while runs are training).
struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Serve a local web UI: runs table, run pages with charts, compare view, JSON API (read-only).",
        discussion: """
            Listens on 127.0.0.1 and answers only requests addressed to localhost, 127.0.0.1 or [::1] \
            (the Host header), so other web sites cannot read the store through the browser. \
            To serve other machines, listen on another address and name the host names clients use: \
            --host 0.0.0.0 --allow-remote tracker.lan,10.0.0.5
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: any free port).") var port = 5173
    @Option(name: .customLong("allow-remote"), parsing: .singleValue,
            help: ArgumentHelp("Host names (or IP addresses) clients may use besides the loopback names, comma-separated or repeated; needed to listen on a non-loopback address (anyone who can reach it can read the store).",
                               valueName: "names"))
    var allowRemote: [String] = []

    var remoteNames: [String] { ListenOptions.names(allowRemote) }

    func validate() throws {
        try ListenOptions.validate(port: port, host: host, remoteNames: remoteNames)
    }

    func run() throws {
        let path = store.path
        // Read-only like every reader: an older schema is served as it is when readable (charts
        // then read every point) or refused with "run `tracker migrate`"; never upgraded here.
        _ = try Store(path: path, access: .read)  // fail now on a missing, foreign or too-new file, not on the first request
        let hosts = try HostPolicy(allowing: remoteNames)
        if !UIServer.isLoopback(host) {
            Console.err("warning: serving \(StoreLocation.redacted(path)) on \(host), reachable from the network, without authentication")
        }
        let server = UIServer(app: UIApp(databasePath: path), host: host, port: port, hosts: hosts)
        let host = self.host
        let stopped = try UICommand.serveUntilSignal(server) { bound in
            Console.err("tracker ui: serving \(StoreLocation.redacted(path)) at http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/ (Ctrl-C stops)")
        }
        if let signal = stopped { throw ExitCode(128 + signal) }
    }

    /// Serves until SIGINT or SIGTERM (even when the parent started us with them ignored or
    /// blocked): the server then stops accepting and finishes the requests it is answering.
    /// A second signal exits at once. Returns the signal that stopped it.
    static func serveUntilSignal(_ server: UIServer, onRunning: @escaping @Sendable (Int) async -> Void) throws -> Int32? {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let task = Task {
            do { try await server.run(onRunning: onRunning) } catch { outcome.fail(error) }
            done.signal()
        }
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if outcome.stop(by: sig) { task.cancel() } else { Foundation.exit(128 + sig) }
            }
            source.resume()
            sources.append(source)
        }
        done.wait()
        for s in sources { s.cancel() }
        if let error = outcome.error { throw error }
        return outcome.signal
    }

    /// How serving ended, handed between the signal queue, the server task and the caller.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stopSignal: Int32?
        private var failure: (any Error)?

        /// Records the first signal (true); false for a later one.
        func stop(by sig: Int32) -> Bool { lock.withLock { if stopSignal != nil { return false }; stopSignal = sig; return true } }
        func fail(_ e: any Error) { lock.withLock { failure = e } }
        var signal: Int32? { lock.withLock { stopSignal } }
        var error: (any Error)? { lock.withLock { failure } }
    }
}
