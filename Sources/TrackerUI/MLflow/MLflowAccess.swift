import Foundation
import Tracker

/// Who may use `tracker server`: without tokens everyone who reaches it (loopback only);
/// with a token file, only requests with `Authorization: Bearer TOKEN` (MLflow clients send
/// `MLFLOW_TRACKING_TOKEN` so), read tokens for reading only.
///
/// Token file: one token a line, `read TOKEN` or `write TOKEN`; blank lines and `#` comments
/// ignored; a token is 16 to 256 characters of letters, digits and `-._~+/=`.
public struct MLflowAccess: Sendable {
    /// Token → may write.
    let tokens: [String: Bool]

    /// No tokens: every request is allowed (for loopback servers).
    public static let open = MLflowAccess(tokens: [:])

    public var requiresToken: Bool { !tokens.isEmpty }

    init(tokens: [String: Bool]) { self.tokens = tokens }

    /// Reads a token file; says which line is wrong.
    public init(tokenFile text: String, path: String) throws {
        var tokens: [String: Bool] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0] == "read" || parts[0] == "write" else {
                throw MLflowError(.invalidParameterValue, "\(path):\(n + 1): expected 'read TOKEN' or 'write TOKEN'")
            }
            let token = String(parts[1])
            guard (16...256).contains(token.utf8.count), token.utf8.allSatisfy(MLflowAccess.isTokenByte) else {
                throw MLflowError(.invalidParameterValue, "\(path):\(n + 1): a token is 16 to 256 characters of letters, digits and -._~+/=")
            }
            tokens[token] = (tokens[token] ?? false) || parts[0] == "write"
        }
        guard !tokens.isEmpty else { throw MLflowError(.invalidParameterValue, "\(path) holds no token (lines 'read TOKEN' or 'write TOKEN')") }
        self.tokens = tokens
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || "-._~+/=".utf8.contains(b)
    }

    /// nil when the request may go on; otherwise the refusal (401 or 403).
    func check(authorization: String?, write: Bool) -> MLflowError? {
        guard requiresToken else { return nil }
        guard let auth = authorization, auth.utf8.count <= 300, auth.lowercased().hasPrefix("bearer ") else {
            return MLflowError(.unauthenticated, "this server needs a token: set MLFLOW_TRACKING_TOKEN (sent as Authorization: Bearer TOKEN)")
        }
        let given = Array(auth.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
        // Every token is compared in full, so timing does not tell how much of one matched.
        var found: Bool?
        for (token, canWrite) in tokens where MLflowAccess.constantTimeEqual(Array(token.utf8), given) { found = canWrite }
        guard let canWrite = found else { return MLflowError(.unauthenticated, "the token is not valid for this server") }
        if write && !canWrite { return MLflowError(.permissionDenied, "this token may only read; writing needs a 'write' token") }
        return nil
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) { diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0) }
        return diff == 0
    }
}
