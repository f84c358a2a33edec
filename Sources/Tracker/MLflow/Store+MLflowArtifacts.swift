import Foundation

/// Run artifacts for MLflow clients, kept in the store as content-addressed blobs (the same
/// `blobs` table checkpoints use), one `artifacts` row a file, verified by SHA-256 on read.
extension Store {
    /// Checks an artifact path relative to a run's root: `a/b.txt`, no `..`, no empty or
    /// absolute parts, at most 1000 bytes.
    static func checkArtifactPath(_ path: String, allowEmpty: Bool = false) throws -> String {
        if path.isEmpty && allowEmpty { return "" }
        guard !path.isEmpty, path.utf8.count <= MLflowLimits.artifactPathLength else {
            throw MLflowError.invalid("an artifact path must be 1 to \(MLflowLimits.artifactPathLength) bytes")
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        for p in parts where p.isEmpty || p == "." || p == ".." || p.contains("\\") || p.utf8.contains(0) {
            throw MLflowError.invalid("bad artifact path '\(path.prefix(200))': no empty, '.', '..' or backslash parts")
        }
        return path
    }

    /// Stores `bytes` as the artifact `path` of a run (replacing a file of that path).
    public func mlflowPutArtifact(_ runID: String, path: String, bytes: [UInt8]) throws {
        try requireWritable()
        let path = try Store.checkArtifactPath(path)
        let seq = try mlflowRunSeq(runID, mustBeActive: true)
        let sha = SHA256.hex(bytes)
        try db.transaction(.immediate) {
            // A folder and a file may not share a name.
            if try db.first("SELECT 1 FROM artifacts WHERE run_seq = ? AND substr(path, 1, ?) = ?",
                            [.integer(seq), .int(path.unicodeScalars.count + 1), .text(path + "/")], { $0.int(0) }) != nil {
                throw MLflowError.invalid("'\(path)' is a folder of artifacts of this run, not a file")
            }
            try db.run("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)", [.text(sha), .int(bytes.count), .blob(bytes)])
            try db.run("""
                INSERT INTO artifacts (run_seq, path, blob_sha256, size, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (run_seq, path) DO UPDATE SET blob_sha256 = excluded.blob_sha256, size = excluded.size, created_at = excluded.created_at
                """, [.integer(seq), .text(path), .text(sha), .int(bytes.count), .real(Date().timeIntervalSince1970)])
        }
    }

    /// The bytes of an artifact, checked against the SHA-256 they were stored under.
    public func mlflowArtifact(_ runID: String, path: String) throws -> [UInt8] {
        let path = try Store.checkArtifactPath(path)
        let seq = try mlflowRunSeq(runID)
        guard let (sha, size) = try db.first("SELECT blob_sha256, size FROM artifacts WHERE run_seq = ? AND path = ?",
                                             [.integer(seq), .text(path)], { ($0.text(0), $0.int(1)) }) else {
            throw MLflowError.missing("the run '\(runID)' has no artifact '\(path)'")
        }
        guard let bytes = try db.first("SELECT data FROM blobs WHERE sha256 = ?", [.text(sha)], { $0.blob(0) }) else {
            throw MLflowError(.internalError, "the blob of artifact '\(path)' is missing from the store")
        }
        let actual = SHA256.hex(bytes)
        guard actual == sha, Int64(bytes.count) == size else {
            throw MLflowError(.internalError, "artifact '\(path)' is corrupt in the store: SHA-256 \(actual), stored as \(sha)")
        }
        return bytes
    }

    /// The files and folders directly under `directory` ("" for the run's root).
    public func mlflowListArtifacts(_ runID: String, directory: String) throws -> [MLflowArtifact] {
        let dir = try Store.checkArtifactPath(directory, allowEmpty: true)
        let seq = try mlflowRunSeq(runID)
        let prefix = dir.isEmpty ? "" : dir + "/"
        let rows = try db.query("SELECT path, size FROM artifacts WHERE run_seq = ? AND substr(path, 1, ?) = ? ORDER BY path",
                                [.integer(seq), .int(prefix.unicodeScalars.count), .text(prefix)]) { ($0.text(0), $0.int(1)) }
        var out: [MLflowArtifact] = [], folders = Set<String>()
        for (path, size) in rows {
            let rest = path.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") {
                let folder = prefix + rest[..<slash]
                if folders.insert(folder).inserted { out.append(MLflowArtifact(path: folder, isDirectory: true, size: nil)) }
            } else {
                out.append(MLflowArtifact(path: path, isDirectory: false, size: size))
            }
        }
        return out
    }
}
