import ArgumentParser
import Foundation
import Tracker
import TrackerUI

/// `tracker server`: the web UI plus MLflow's tracking REST API, so the stock `mlflow`
/// client (PyTorch scripts, Lightning, Transformers) logs into the store.
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Serve the web UI and the MLflow tracking API: MLflow clients log runs into the store.",
        discussion: """
            Point a client at it: MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python train.py. Runs logged this way are \
            ordinary runs (origin mlflow-client; run_id is the run's 32-hex uuid, whose first 8 digits are the tracker id). \
            Each write is committed before it is acknowledged. On loopback no token is needed; any other address needs \
            --token-file (lines 'read TOKEN' or 'write TOKEN'; clients send MLFLOW_TRACKING_TOKEN) and --allow-remote \
            with the host names clients use.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: any free port).") var port = 5000
    @Option(name: .customLong("token-file"), help: ArgumentHelp("A file of tokens, one a line: 'read TOKEN' or 'write TOKEN'. Required off loopback.", valueName: "path"))
    var tokenFile: String?
    @Option(name: .customLong("allow-remote"), parsing: .singleValue,
            help: ArgumentHelp("Host names (or IP addresses) clients may use besides the loopback names, comma-separated or repeated.", valueName: "names"))
    var allowRemote: [String] = []

    var remoteNames: [String] { ListenOptions.names(allowRemote) }

    func validate() throws {
        if !UIServer.isLoopback(host) && tokenFile == nil {
            throw ValidationError("--host \(host) is not a loopback address: give --token-file FILE (lines 'read TOKEN' / 'write TOKEN') so only clients with a token can read or write")
        }
        try ListenOptions.validate(port: port, host: host, remoteNames: remoteNames)
    }

    func run() throws {
        let path = store.path
        var access = MLflowAccess.open
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw ValidationError("cannot read the token file '\(tokenFile)'")
            }
            do { access = try MLflowAccess(tokenFile: text, path: tokenFile) } catch let e as MLflowError { throw ValidationError(e.message) }
        }
        // A server records: the store is created (or migrated) here, once, not on a request.
        let service = try MLflowService(databasePath: path, access: access)
        let hosts = try HostPolicy(allowing: remoteNames)
        var limits = UIServer.Limits()
        // Artifacts up to 16 MiB a file arrive in one body; JSON bodies are held to 4 MiB by the API.
        limits.maxBody = 16 * 1024 * 1024
        // At most 8 such bodies held at once over all clients (503, retried by the client, beyond).
        limits.maxBufferedBodies = 128 * 1024 * 1024
        limits.requestDeadline = .seconds(60)
        let app = UIApp(databasePath: path, mount: { service.respond($0) })
        let server = UIServer(app: app, host: host, port: port, hosts: hosts, limits: limits)
        let host = self.host
        let stopped = try UICommand.serveUntilSignal(server) { bound in
            // The bound port on stdout, alone on its line, for scripts that start it with --port 0.
            FileHandle.standardOutput.write(Data("listening on http://\(host.contains(":") ? "[\(host)]" : host):\(bound)\n".utf8))
            Console.err("tracker server: \(StoreLocation.redacted(path)) at http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/ (MLflow API under /api/2.0/mlflow/; Ctrl-C stops)")
        }
        if let signal = stopped { throw ExitCode(128 + signal) }
    }
}
