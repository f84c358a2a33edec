import CBLAS
import CKernels
import Foundation
import Tracker

/// What a run ran on: the facts that decide whether a re-run can be bit-identical.
public struct RunEnvironment: Codable, Sendable, Equatable {
    public var toolVersion: String
    public var gitCommit: String
    public var swiftVersion: String
    public var os: String
    public var cpu: String
    public var blas: String
    public var blasCore: String
    public var blasThreads: Int
    public var datasetFingerprint: String
    public var seed: UInt64
    /// The C kernels' vector path ("avx2" or "sse2"; absent in runs recorded before it was kept).
    public var kernels: String?

    enum CodingKeys: String, CodingKey {
        case toolVersion = "tool_version", gitCommit = "git_commit", swiftVersion = "swift_version", os, cpu, blas
        case blasCore = "blas_core", blasThreads = "blas_threads", datasetFingerprint = "dataset_fingerprint", seed, kernels
    }

    /// The fields whose difference breaks bit-identity (the dataset and seed are compared by the config).
    public static let determinismFields = ["cpu", "blas", "blas_core", "blas_threads", "kernels", "swift_version", "git_commit", "dataset_fingerprint"]

    /// The environment of this process, with BLAS set to `threads` threads.
    public static func current(threads: Int, datasetFingerprint: String, seed: UInt64) -> RunEnvironment {
        RunEnvironment(
            toolVersion: TrainerInfo.version, gitCommit: gitCommit, swiftVersion: swiftVersion, os: osDescription,
            cpu: cpuModel, blas: String(cString: openblas_get_config()), blasCore: String(cString: openblas_get_corename()),
            blasThreads: threads, datasetFingerprint: datasetFingerprint, seed: seed, kernels: String(cString: tracker_kernel_path()))
    }

    public var json: JSONValue { (try? JSONValue.from(self)) ?? .object([:]) }

    static let swiftVersion: String = {
        #if swift(>=6.3)
        return "6.3"
        #elseif swift(>=6.2)
        return "6.2"
        #elseif swift(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }()

    static let cpuModel: String = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") { return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        return "unknown"
    }()

    static let osDescription: String = {
        var name = "Linux"
        if let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                name = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "\(name) (kernel \(release))"
    }()

    /// The git commit this binary was built from, embedded at build time (`+dirty` when the
    /// tree had uncommitted changes; "unknown" when built outside a git checkout).
    static var gitCommit: String { TrainerInfo.gitCommit }
}
