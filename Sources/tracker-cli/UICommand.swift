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
        discussion: "Listens on 127.0.0.1 unless --host says otherwise; any other address needs --allow-remote.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: any free port).") var port = 5173
    @Flag(help: "Allow listening on a non-loopback address (anyone who can reach it can read the store).") var allowRemote = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if !UIServer.isLoopback(host) && !allowRemote {
            throw ValidationError("--host \(host) is not a loopback address; add --allow-remote to serve the store to the network")
        }
    }

    func run() throws {
        let path = store.path
        // Read-only like every reader: an older schema is served as it is when readable (charts
        // then read every point) or refused with "run `tracker migrate`"; never upgraded here.
        _ = try Store(path: path, access: .read)  // fail now on a missing, foreign or too-new file, not on the first request
        if !UIServer.isLoopback(host) {
            Console.err("warning: serving \(path) on \(host), reachable from the network, without authentication")
        }
        UICommand.stopOnSignals()
        let server = UIServer(app: UIApp(databasePath: path), host: host, port: port)
        let host = self.host
        try BlockingTask.run {
            try await server.run { bound in Console.err("tracker ui: serving \(path) at http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/ (Ctrl-C stops)") }
        }
    }

    /// SIGINT and SIGTERM end the server at once (it holds no state to save), even when the
    /// parent started us with them ignored or blocked.
    static func stopOnSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
