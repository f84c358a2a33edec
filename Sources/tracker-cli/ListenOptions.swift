import ArgumentParser
import TrackerUI

/// What `tracker ui` and `tracker server` share about where they listen: the names given to
/// `--allow-remote` and the checks on `--port`, `--host` and those names.
enum ListenOptions {
    /// The names given to --allow-remote, split at commas, blanks dropped.
    static func names(_ allowRemote: [String]) -> [String] {
        allowRemote.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    /// A port in range, well-formed names, and names whenever `host` is not a loopback address.
    static func validate(port: Int, host: String, remoteNames: [String]) throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        do { _ = try HostPolicy(allowing: remoteNames) } catch { throw ValidationError("--allow-remote: \(error)") }
        if !UIServer.isLoopback(host) && remoteNames.isEmpty {
            throw ValidationError("--host \(host) is not a loopback address; add --allow-remote NAMES (the host names clients use) to serve the store to the network")
        }
    }
}
